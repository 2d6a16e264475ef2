using KazGrpc.Client;
using Microsoft.Extensions.Options;

namespace KazGrpc.InferenceSvc.Tokenizer;

/// <summary>
/// Checks tokenizer-svc's health every <see cref="TokenizerClientOptions.HealthCheckInterval"/>
/// with a short deadline, so a stopped or frozen tokenizer is noticed within about a second and a
/// returning one is taken back by itself.
/// </summary>
public sealed partial class TokenizerHealthMonitor(
    TokenizerClient client, TokenizerHealth health, IOptions<TokenizerClientOptions> options, TimeProvider time, ILogger<TokenizerHealthMonitor> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.HealthCheckInterval;
        try
        {
            await MonitorAsync(interval, stoppingToken);
        }
        catch (Exception ex) when (ex is OperationCanceledException or global::Grpc.Core.RpcException && stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task MonitorAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var failure = await client.CheckHealthAsync(stoppingToken);
            var serving = failure is null;
            if (serving != health.Reachable)
            {
                if (serving)
                {
                    await client.CloseCircuitAsync(stoppingToken);
                    Reachable(logger, client.Address);
                }
                else
                {
                    Unreachable(logger, client.Address, failure!);
                }
            }

            health.Set(serving);
            await Task.Delay(interval, time, stoppingToken);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Tokenizer at {Address} is reachable")]
    private static partial void Reachable(ILogger logger, Uri address);

    // The reason matters most when the tokenizer runs but cannot be reached: a refused TLS handshake says why here.
    [LoggerMessage(2, LogLevel.Warning, "Tokenizer at {Address} is unreachable ({Reason}); reporting NOT_SERVING")]
    private static partial void Unreachable(ILogger logger, Uri address, string reason);
}
