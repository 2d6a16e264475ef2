using System.Collections.Frozen;
using System.Diagnostics;
using KazGrpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KazGrpc.Tokenization;

/// <summary>
/// The loaded tokenizers by name: the built-in encodings and one per model directory. Loading
/// creates every worker's encoder up front, so the first request pays nothing. A tokenizer that
/// fails to load is logged and left out; the others serve. Immutable once loaded.
/// </summary>
public sealed class TokenizerRegistry : IDisposable
{
    private readonly FrozenDictionary<string, TokenizerPool> _pools;

    private TokenizerRegistry(FrozenDictionary<string, TokenizerPool> pools, IReadOnlyList<string> failures)
    {
        _pools = pools;
        Failures = failures;
    }

    /// <summary>Tokenizers by name, ordered by name.</summary>
    public IReadOnlyList<TokenizerDefinition> Tokenizers => [.. _pools.Values.Select(p => p.Definition).OrderBy(d => d.Name, StringComparer.Ordinal)];

    /// <summary>Names of model directories whose tokenizer failed to load.</summary>
    public IReadOnlyList<string> Failures { get; }

    /// <summary>The pool of <paramref name="name"/>; throws <see cref="ResourceNotFoundException"/> listing the names that exist.</summary>
    public TokenizerPool Get(string name) =>
        _pools.TryGetValue(name, out var pool) ? pool : throw new ResourceNotFoundException("tokenizer", name, _pools.Keys);

    /// <summary>Loads the built-ins and every model directory; runs on the calling thread (seconds).</summary>
    public static TokenizerRegistry Load(IOptions<TokenizationOptions> options, ILogger<TokenizerRegistry> logger, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        settings.Validate();
        var pools = new Dictionary<string, TokenizerPool>(StringComparer.Ordinal);
        var failures = new List<string>();

        void Add(Func<TokenizerDefinition> load, string name, string source)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            try
            {
                var pool = new TokenizerPool(load(), settings.WorkersPerTokenizer);
                pools[name] = pool;
                TokenizationLog.Loaded(logger, name, pool.Definition.Kind, pool.Definition.VocabSize, pool.Size, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                failures.Add(name);
                TokenizationLog.LoadFailed(logger, ex, name, source);
            }
        }

        foreach (var builtin in settings.Builtins)
        {
            Add(() => TiktokenLoader.LoadBuiltin(builtin), builtin, "built-in");
        }

        if (Directory.Exists(settings.ModelsDirectory))
        {
            foreach (var directory in Directory.EnumerateDirectories(settings.ModelsDirectory).Order(StringComparer.Ordinal))
            {
                var name = Path.GetFileName(directory);
                var loader = ModelDirectoryTokenizer.Find(name, directory, out var reason);
                if (loader is null)
                {
                    // A model that names another tokenizer (a built-in, say) needs none of its own.
                    if (ModelDirectoryTokenizer.NamedTokenizer(directory) is { } named)
                    {
                        TokenizationLog.NamedTokenizer(logger, directory, named);
                    }
                    else
                    {
                        TokenizationLog.NoTokenizer(logger, directory, reason);
                    }

                    continue;
                }

                Add(loader, name, directory);
            }
        }
        else
        {
            TokenizationLog.NoModelsDirectory(logger, settings.ModelsDirectory);
        }

        return new TokenizerRegistry(pools.ToFrozenDictionary(StringComparer.Ordinal), failures);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var pool in _pools.Values)
        {
            pool.Dispose();
        }
    }
}
