using KazGrpc.Tokenization;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KazGrpc.Bench.Core;

/// <summary>Tokenizers loaded in this process as tokenizer-svc loads them. Disposing releases the registry.</summary>
internal sealed class InProcessTokenizer : IDisposable
{
    private readonly TokenizerRegistry _registry;

    /// <summary>Loads the registry of <paramref name="options"/>; throws when it lacks <paramref name="tokenizer"/>.</summary>
    public InProcessTokenizer(TokenizationOptions options, string tokenizer, CancellationToken cancellationToken)
    {
        var wrapped = Options.Create(options);
        _registry = TokenizerRegistry.Load(wrapped, NullLogger<TokenizerRegistry>.Instance, cancellationToken);
        Service = new TokenizationService(_registry, wrapped);
        try
        {
            _ = Service.GetTokenizer(tokenizer);
        }
        catch
        {
            _registry.Dispose();
            throw;
        }
    }

    public TokenizationService Service { get; }

    public void Dispose() => _registry.Dispose();
}
