using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using KazGrpc.Contracts.Tokenizer.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KazGrpc.TokenizerSvc.Testing;

/// <summary>
/// The real tokenizer-svc (<see cref="TokenizerApp.Build"/>) in this process, on loopback ports the
/// system picks, with a channel to it. Disposing stops the host and closes the channel.
/// </summary>
public sealed class TokenizerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TokenizerHost(WebApplication app, Uri grpcAddress, Uri metricsAddress)
    {
        _app = app;
        GrpcAddress = grpcAddress;
        MetricsAddress = metricsAddress;
        Channel = GrpcChannel.ForAddress(grpcAddress);
        Client = new TokenizerService.TokenizerServiceClient(Channel);
    }

    /// <summary>The gRPC endpoint.</summary>
    public Uri GrpcAddress { get; }

    /// <summary>The Prometheus endpoint (<c>/metrics</c> under it).</summary>
    public Uri MetricsAddress { get; }

    public GrpcChannel Channel { get; }

    public TokenizerService.TokenizerServiceClient Client { get; }

    /// <summary>
    /// Starts a tokenizer-svc over <paramref name="modelsDirectory"/>; it is listening on return and
    /// may still be loading its tokenizers (see <see cref="WaitServingAsync"/>).
    /// </summary>
    public static async Task<TokenizerHost> StartAsync(string modelsDirectory, CancellationToken cancellationToken)
    {
        var app = TokenizerApp.Build(
        [
            "--Hosting:GrpcAddress=127.0.0.1:0",
            "--Hosting:MetricsAddress=127.0.0.1:0",

            // Each in-process host its own meter, so that its /metrics shows only its own instruments.
            $"--Hosting:MeterName=KazGrpc.test.{Guid.NewGuid():N}",
            $"--Tokenization:ModelsDirectory={modelsDirectory}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        try
        {
            await app.StartAsync(cancellationToken);
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
            return new TokenizerHost(app, addresses[0], addresses[1]);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until health reports SERVING; throws <see cref="TimeoutException"/> saying so when <paramref name="timeout"/> passes first.</summary>
    public async Task WaitServingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var health = new Health.HealthClient(Channel);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var last = HealthCheckResponse.Types.ServingStatus.Unknown;
        try
        {
            while (true)
            {
                last = (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: limit.Token)).Status;
                if (last == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }

                await Task.Delay(50, limit.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"tokenizer-svc at {GrpcAddress} still reported {last}, not SERVING, after {timeout.TotalSeconds:F0} s", ex);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
