using System.Collections.Frozen;
using System.Text.Json;
using KazGrpc.Core;
using KazGrpc.ModelForge;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KazGrpc.Models;

/// <summary>
/// The models of the models directory by name. <see cref="Discover"/> lists them at once (state
/// Loading); <see cref="LoadAsync"/> loads each on its own, so that a model that fails to load is
/// Failed with the reason and the others serve. Disposes the runtimes it loaded.
/// </summary>
public sealed partial class ModelRegistry : IDisposable
{
    private readonly SessionFactory _sessions;
    private readonly ILogger<ModelRegistry> _logger;
    private readonly FrozenDictionary<string, ModelEntry> _models;

    // The kazgrpc.json of each embedding model and the genai_config.json of each generation model,
    // read once at discovery and used again to load it.
    private readonly FrozenDictionary<string, EmbeddingModelConfig> _configs;
    private readonly FrozenDictionary<string, GenAiConfig> _decoders;
    private readonly KvCacheOptions _cache;

    /// <summary>Discovers the model directories (nothing is loaded yet).</summary>
    /// <param name="options">Where the models are.</param>
    /// <param name="sessions">Creates the ONNX Runtime sessions.</param>
    /// <param name="logger">Says what loaded and what failed.</param>
    /// <param name="cache">KV cache size of generation models; the defaults when null.</param>
    public ModelRegistry(IOptions<ModelRegistryOptions> options, SessionFactory sessions, ILogger<ModelRegistry> logger, IOptions<KvCacheOptions>? cache = null)
    {
        _sessions = sessions;
        _logger = logger;
        _cache = cache?.Value ?? new KvCacheOptions();
        var discovered = Discover(options.Value.ModelsDirectory, logger);
        _models = discovered.ToFrozenDictionary(d => d.Entry.Name, d => d.Entry, StringComparer.Ordinal);
        _configs = discovered.Where(d => d.Config is EmbeddingModelConfig).ToFrozenDictionary(d => d.Entry.Name, d => (EmbeddingModelConfig)d.Config!, StringComparer.Ordinal);
        _decoders = discovered.Where(d => d.Config is GenAiConfig).ToFrozenDictionary(d => d.Entry.Name, d => (GenAiConfig)d.Config!, StringComparer.Ordinal);
    }

    /// <summary>Every model, ordered by name.</summary>
    public IReadOnlyList<ModelEntry> Models => [.. _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];

    /// <summary>The model called <paramref name="name"/>, as the request field <paramref name="field"/>
    /// gave it: INVALID_ARGUMENT when it is empty, NOT_FOUND (listing the models that exist) when no model has that name.</summary>
    public ModelEntry Get(string name, string field = "name")
    {
        FieldRules.Required(name, field);
        return _models.TryGetValue(name, out var model) ? model : throw new ResourceNotFoundException("model", name, _models.Keys);
    }

    /// <summary>Loads every model (one at a time; each failure is contained).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var model in Models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            IModelRuntime runtime;
            try
            {
                if (_decoders.TryGetValue(model.Name, out var genai))
                {
                    var decoder = await Task.Run(() => DecoderModel.Load(model.Directory, genai, _sessions, _cache, _sessions.DecoderIntraOpThreads), cancellationToken).ConfigureAwait(false);
                    runtime = decoder;
                    LoadedDecoder(_logger, model.Name, decoder.Provider, decoder.MaxSlots, decoder.MaxSequenceLength, decoder.KvCacheBytes / (1024.0 * 1024.0));
                }
                else if (_configs.TryGetValue(model.Name, out var config))
                {
                    var encoder = await Task.Run(() => EncoderModel.Load(model.Directory, config, _sessions), cancellationToken).ConfigureAwait(false);
                    runtime = encoder;
                    Loaded(_logger, model.Name, encoder.Provider, encoder.PoolsOnDevice ? "on the device (IOBinding)" : "on the host");
                }
                else
                {
                    // Its configuration could not be read: discovery marked it Failed with the reason.
                    continue;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                model.Set(ModelState.Failed, ex.Message);
                LoadFailed(_logger, ex, model.Name);
                continue;
            }

            model.Set(ModelState.Loading, runtime: runtime);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Runtime?.Dispose();
        }
    }

    private static List<(ModelEntry Entry, object? Config)> Discover(string root, ILogger logger)
    {
        var models = new List<(ModelEntry, object?)>();
        if (!System.IO.Directory.Exists(root))
        {
            NoDirectory(logger, root);
            return models;
        }

        foreach (var directory in System.IO.Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(directory, "model.onnx")))
            {
                continue;
            }

            var name = Path.GetFileName(directory);
            if (File.Exists(Path.Combine(directory, GenAiConfig.FileName)))
            {
                models.Add(DiscoverDecoder(name, directory));
                continue;
            }

            EmbeddingModelConfig config;
            try
            {
                config = EmbeddingModelConfig.Read(directory);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
                var failed = new ModelEntry(name, directory, ModelKind.Embedding, name, 0);
                failed.Set(ModelState.Failed, ex.Message);
                models.Add((failed, null));
                continue;
            }

            var kind = config.Kind == "generation" ? ModelKind.Generation : ModelKind.Embedding;
            var entry = new ModelEntry(name, directory, kind, config.Tokenizer ?? name, config.MaxTokens, config.Dimensions)
            {
                QueryPrefix = config.QueryPrefix ?? string.Empty,
                PassagePrefix = config.PassagePrefix ?? string.Empty,
            };
            models.Add((entry, config));
        }

        return models;
    }

    // A generation model: its genai_config.json, and its tokenizer: the one kazgrpc.json names (a
    // forged model pairs with a built-in tokenizer), else the tokenizer files of its own directory,
    // which tokenizer-svc serves under the directory's name.
    private static (ModelEntry, object?) DiscoverDecoder(string name, string directory)
    {
        try
        {
            var config = GenAiConfig.Read(directory);
            var tokenizer = File.Exists(Path.Combine(directory, EmbeddingModelConfig.FileName)) ? EmbeddingModelConfig.Read(directory).Tokenizer ?? name : name;
            return (new ModelEntry(name, directory, ModelKind.Generation, tokenizer, config.ContextLength), config);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or JsonException)
        {
            var failed = new ModelEntry(name, directory, ModelKind.Generation, name, 0);
            failed.Set(ModelState.Failed, ex.Message);
            return (failed, null);
        }
    }

    [LoggerMessage(4, LogLevel.Information, "Loaded generation model {Name} on {Provider}: KV cache of {Slots} slots x {Positions} positions ({Megabytes:0.#} MiB)")]
    private static partial void LoadedDecoder(ILogger logger, string name, string provider, int slots, int positions, double megabytes);

    [LoggerMessage(1, LogLevel.Information, "Loaded model {Name} on {Provider}, pooling {Pooling}")]
    private static partial void Loaded(ILogger logger, string name, string provider, string pooling);

    [LoggerMessage(2, LogLevel.Error, "Model {Name} failed to load; the others are unaffected")]
    private static partial void LoadFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(3, LogLevel.Warning, "Models directory {Directory} does not exist; no models are served")]
    private static partial void NoDirectory(ILogger logger, string directory);
}
