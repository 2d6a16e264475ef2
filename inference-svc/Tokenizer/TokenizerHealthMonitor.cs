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
            var serving = await client.IsServingAsync(stoppingToken);
            if (serving != health.Reachable)
            {
                if (serving)
                {
                    await client.CloseCircuitAsync(stoppingToken);
                    Reachable(logger, client.Address);
                }
                else
                {
                    Unreachable(logger, client.Address);
                }
            }

            health.Set(serving);
            await Task.Delay(interval, time, stoppingToken);
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Tokenizer at {Address} is reachable")]
    private static partial void Reachable(ILogger logger, Uri address);

    [LoggerMessage(2, LogLevel.Warning, "Tokenizer at {Address} is unreachable; reporting NOT_SERVING")]
    private static partial void Unreachable(ILogger logger, Uri address);
}
