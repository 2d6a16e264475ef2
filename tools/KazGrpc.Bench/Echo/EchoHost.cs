using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Bench.Echo;

/// <summary>
/// <c>kazgrpc-bench echo-server --port N</c>: Kestrel with HTTP/2 cleartext on loopback and one
/// gRPC service, <see cref="EchoServer"/>; nothing else (no health, metrics, interceptors or
/// per-call logging). Started by <c>bench embed</c> as a process of its own, as the services are.
/// </summary>
internal static class EchoHost
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        Usage: kazgrpc-bench echo-server --port N

        Serves the bench-only EchoService (Protos/echo.proto) on 127.0.0.1:N over HTTP/2 cleartext
        until stopped; bench embed starts it to measure a bare gRPC unary call.
        """;

    /// <summary>Runs the echo server on 127.0.0.1:<paramref name="port"/> until <paramref name="cancellationToken"/> is
    /// cancelled or standard input closes (the benchmark that started it is gone).</summary>
    public static async Task RunAsync(int port, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddConsole();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2);
            kestrel.AddServerHeader = false;
        });
        builder.Services.AddGrpc();

        await using var app = builder.Build();
        app.MapGrpcService<EchoServer>();
        await app.StartAsync(cancellationToken);
        var parentGone = Task.Factory.StartNew(() => Console.In.ReadToEnd(), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAny(parentGone, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        await app.StopAsync(CancellationToken.None);
    }
}
