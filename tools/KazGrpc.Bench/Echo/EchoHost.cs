using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using KazGrpc.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Bench.Echo;

/// <summary>
/// <c>kazgrpc-bench echo-server --port N [--tokenizer URL NAME]</c>: Kestrel with HTTP/2 cleartext
/// on loopback and one gRPC service, <see cref="EchoServer"/> (or, with a tokenizer,
/// <see cref="HopEchoServer"/>); nothing else (no health, metrics, interceptors or per-call
/// logging). Started by <c>bench embed</c> as a process of its own, as the services are.
/// </summary>
internal static class EchoHost
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        Usage: kazgrpc-bench echo-server --port N [--tokenizer URL NAME]

        Serves the bench-only EchoService (Protos/echo.proto) on 127.0.0.1:N over HTTP/2 cleartext
        until stopped; bench embed starts it to measure a bare gRPC unary call. With --tokenizer,
        each call first tokenizes its text with tokenizer NAME of the tokenizer-svc at URL, through
        inference-svc's tokenizer client (the hop alone, without the rest of inference-svc).
        """;

    /// <summary>Runs the echo server on 127.0.0.1:<paramref name="port"/> until <paramref name="cancellationToken"/> is
    /// cancelled or standard input closes (the benchmark that started it is gone); with
    /// <paramref name="tokenizer"/>, the hop echo, tokenizing with <paramref name="tokenizerName"/> there.</summary>
    public static async Task RunAsync(int port, Uri? tokenizer, string? tokenizerName, CancellationToken cancellationToken)
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
        if (tokenizer is not null)
        {
            // Configured as inference-svc configures its client: callers resume inline after the hop.
            builder.Services.AddTokenizerClient(builder.Configuration, o =>
            {
                o.Address = tokenizer;
                o.InlineCompletions = true;
            });
            builder.Services.AddSingleton(new HopEchoSettings(tokenizerName!));
        }

        await using var app = builder.Build();
        if (tokenizer is null)
        {
            app.MapGrpcService<EchoServer>();
        }
        else
        {
            app.MapGrpcService<HopEchoServer>();
        }

        await app.StartAsync(cancellationToken);
        var parentGone = Task.Factory.StartNew(() => Console.In.ReadToEnd(), cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);
        await Task.WhenAny(parentGone, Task.Delay(Timeout.Infinite, cancellationToken)).ConfigureAwait(false);
        await app.StopAsync(CancellationToken.None);
    }
}
