using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.TokenizerSvc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KazGrpc.Bench;

/// <summary>
/// The tokenizer-svc under test: one started in this process on a free loopback port (default), or
/// a running one at <c>--address</c>. Holds the one <see cref="GrpcChannel"/> every service mode
/// shares. Disposing closes the channel and stops the in-process host.
/// </summary>
internal sealed class TokenizerTarget : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(2);

    private readonly WebApplication? _app;

    private TokenizerTarget(WebApplication? app, Uri address)
    {
        _app = app;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
        Client = new TokenizerService.TokenizerServiceClient(Channel);
    }

    /// <summary>The gRPC address.</summary>
    public Uri Address { get; }

    /// <summary>True when this process hosts the service.</summary>
    public bool InProcess => _app is not null;

    /// <summary>The shared channel.</summary>
    public GrpcChannel Channel { get; }

    /// <summary>The TokenizerService client over <see cref="Channel"/>.</summary>
    public TokenizerService.TokenizerServiceClient Client { get; }

    /// <summary>Starts or connects to the service and waits until it is SERVING and has the tokenizer under test.</summary>
    public static async Task<TokenizerTarget> StartAsync(TokenizeBenchOptions options, CancellationToken cancellationToken)
    {
        TokenizerTarget target;
        if (options.Address is { } address)
        {
            target = new TokenizerTarget(null, address);
        }
        else
        {
            List<string> args =
            [
                "--Hosting:GrpcAddress=127.0.0.1:0",
                "--Hosting:MetricsAddress=",
                "--Logging:LogLevel:Default=Error",
                $"--Tokenization:WorkersPerTokenizer={options.Workers}",
            ];
            if (options.ModelsDirectory is { } models)
            {
                args.Add($"--Tokenization:ModelsDirectory={models}");
            }

            var app = TokenizerApp.Build([.. args]);
            await app.StartAsync(cancellationToken);
            var grpc = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            target = new TokenizerTarget(app, new Uri(grpc));
        }

        try
        {
            await target.WaitReadyAsync(options.Tokenizer, cancellationToken);
            return target;
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Channel.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    private async Task WaitReadyAsync(string tokenizer, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        var health = new Health.HealthClient(Channel);
        try
        {
            while (true)
            {
                try
                {
                    var check = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(5), cancellationToken: timeout.Token);
                    if (check.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                    {
                        break;
                    }
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded)
                {
                    // Not listening yet, or busy loading.
                }

                await Task.Delay(100, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"tokenizer-svc at {Address} did not report SERVING within {ReadyTimeout.TotalSeconds:F0} s", ex);
        }

        var list = await Client.ListTokenizersAsync(new ListTokenizersRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
        if (!list.Tokenizers.Any(t => t.Name == tokenizer))
        {
            throw new InvalidOperationException(
                $"tokenizer-svc at {Address} has no tokenizer '{tokenizer}'; it has {string.Join(", ", list.Tokenizers.Select(t => t.Name))}");
        }
    }
}
