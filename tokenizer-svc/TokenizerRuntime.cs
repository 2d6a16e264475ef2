using System.Diagnostics;
using KazGrpc.Core;
using KazGrpc.Hosting;
using KazGrpc.Tokenization;
using Microsoft.Extensions.Options;

namespace KazGrpc.TokenizerSvc;

/// <summary>
/// Loads the tokenizer registry in the background at start-up, warms every tokenizer with one
/// encode and decode, then reports SERVING. Until then calls get UNAVAILABLE. If loading fails the
/// process stops, since a sidecar without tokenizers has nothing to serve.
/// </summary>
public sealed partial class TokenizerRuntime(
    IOptions<TokenizationOptions> options,
    ILogger<TokenizerRegistry> registryLogger,
    ILogger<TokenizerRuntime> logger,
    ReadinessReporter readiness,
    IHostApplicationLifetime lifetime) : BackgroundService
{
    private volatile TokenizationService? _service;
    private TokenizerRegistry? _registry;

    /// <summary>The loaded service; throws UNAVAILABLE (NotReadyException) while loading.</summary>
    public TokenizationService Service => _service ?? throw new NotReadyException("tokenizer-svc is loading its tokenizers; retry shortly");

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Loading is CPU-bound (seconds); keep it off the start-up path so the ports open at once
        // and health can answer NOT_SERVING meanwhile.
        await Task.Yield();
        try
        {
            var started = Stopwatch.GetTimestamp();
            _registry = await Task.Run(() => TokenizerRegistry.Load(options, registryLogger, stoppingToken), stoppingToken);
            var service = new TokenizationService(_registry, options);
            foreach (var tokenizer in service.ListTokenizers())
            {
                var result = await service.TokenizeAsync(new TokenizeCommand { Tokenizer = tokenizer.Name, Texts = ["Сәлем, әлем! Hello 🙂"] }, stoppingToken);
                _ = service.Detokenize(tokenizer.Name, [.. result[0].Ids.Select(i => (uint)i)], skipSpecialTokens: false);
            }

            _service = service;
            Ready(logger, service.ListTokenizers().Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            readiness.Set(serving: true);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            LoadFailed(logger, ex);
            lifetime.StopApplication();
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _registry?.Dispose();
        base.Dispose();
    }

    [LoggerMessage(1, LogLevel.Information, "Serving {Count} tokenizers; loaded and warmed in {ElapsedMs:F0} ms")]
    private static partial void Ready(ILogger logger, int count, double elapsedMs);

    [LoggerMessage(2, LogLevel.Critical, "Tokenizers failed to load; stopping")]
    private static partial void LoadFailed(ILogger logger, Exception exception);
}
