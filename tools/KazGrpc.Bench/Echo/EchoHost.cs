using System.Net;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using KazGrpc.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Bench.Echo;

/// <summary>
/// <c>kazgrpc-bench echo-server</c>: Kestrel with HTTP/2 cleartext on loopback and the
/// <see cref="EchoServer"/>, plus gRPC health for the starter to wait on; nothing else (no metrics,
/// interceptors or per-call logging). <c>bench embed</c> starts it as a process of its own, as the services are.
/// </summary>
internal static class EchoHost
{
    /// <summary>Serves until <paramref name="cancellationToken"/> is cancelled or standard input closes (the benchmark that started it is gone).</summary>
    public static async Task RunAsync(int port, Uri? tokenizerAddress, string tokenizer, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders().AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddGrpc();
        var health = new HealthServiceImpl();
        health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
        builder.Services.AddSingleton(health);
        if (tokenizerAddress is not null)
        {
            // Configured as inference-svc configures its client: callers resume inline after the hop.
            builder.Services.AddTokenizerClient(builder.Configuration, o =>
            {
                o.Address = tokenizerAddress;
                o.InlineCompletions = true;
            });
            builder.Services.AddSingleton(services => new EchoServer.Hop(services.GetRequiredService<TokenizerClient>(), tokenizer));
        }

        await using var app = builder.Build();
        app.MapGrpcService<EchoServer>();
        app.MapGrpcService<HealthServiceImpl>();
        await app.StartAsync(cancellationToken);
        var parentGone = Task.Factory.StartNew(() => Console.In.ReadToEnd(), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAny(parentGone, Task.Delay(Timeout.Infinite, cancellationToken));
        await app.StopAsync(CancellationToken.None);
    }
}
