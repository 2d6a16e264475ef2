using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using Grpc.Net.Client;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.InferenceSvc.Embeddings;
using KazGrpc.Models;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>
/// The real inference-svc (<see cref="InferenceApp.Build"/>) in this process on loopback
/// (<see cref="LoopbackHost"/>), calling a real tokenizer-svc. Its logs are collected; its model
/// registry, batchers and meter can be read directly.
/// </summary>
public sealed class InferenceHost : IAsyncDisposable
{
    private readonly LoopbackHost _host;

    private InferenceHost(LoopbackHost host)
    {
        _host = host;
        Client = new InferenceService.InferenceServiceClient(host.Channel);
        Logs = host.App.Services.GetRequiredService<FakeLogCollector>();
    }

    /// <summary>What the host logged, at the levels its settings enable (Warning unless a test says otherwise).</summary>
    public FakeLogCollector Logs { get; }

    public InferenceService.InferenceServiceClient Client { get; }

    /// <summary>The channel <see cref="Client"/> calls through, without credentials.</summary>
    public global::Grpc.Net.Client.GrpcChannel Channel => _host.Channel;

    /// <summary>A client on the host's channel whose every call carries <paramref name="authorization"/>
    /// (e.g. <c>Bearer KEY</c>) as its <c>authorization</c> header, or as <paramref name="header"/>.</summary>
    public InferenceService.InferenceServiceClient ClientWith(string authorization, string header = "authorization") =>
        new(_host.Channel.Intercept(metadata =>
        {
            metadata.Add(header, authorization);
            return metadata;
        }));

    public Uri MetricsAddress => _host.MetricsAddress;

    /// <summary>The gRPC endpoint (<c>https://</c> when the settings turn TLS on).</summary>
    public Uri GrpcAddress => _host.GrpcAddress;

    /// <summary>The HTTP API endpoint: JSON transcoding under <c>/api/v1/</c>, the OpenAI-compatible API under <c>/v1/</c>.</summary>
    public Uri HttpAddress => _host.HttpAddress;

    /// <summary>Starts an inference-svc that serves the shared models directory and calls the shared tokenizer-svc.</summary>
    public static Task<InferenceHost> StartAsync(TokenizerProcessFixture tokenizer, CancellationToken cancellationToken, params string[] settings) =>
        StartAsync(tokenizer.Address, tokenizer.ModelsDirectory, cancellationToken, settings);

    /// <summary>
    /// Starts an inference-svc over <paramref name="modelsDirectory"/> that calls the tokenizer-svc at
    /// <paramref name="tokenizer"/>, with <paramref name="settings"/> (<c>--Section:Key=value</c>) over the
    /// test defaults, and waits until it reports SERVING.
    /// </summary>
    public static Task<InferenceHost> StartAsync(Uri tokenizer, string modelsDirectory, CancellationToken cancellationToken, params string[] settings) =>
        StartAsync(tokenizer, modelsDirectory, openChannel: null, cancellationToken, settings);

    /// <summary>
    /// Starts an inference-svc as <see cref="StartAsync(Uri, string, CancellationToken, string[])"/> does,
    /// whose <see cref="Client"/> and health checks go through the channel <paramref name="openChannel"/>
    /// opens (for a host whose settings turn TLS on).
    /// </summary>
    public static async Task<InferenceHost> StartAsync(
        Uri tokenizer, string modelsDirectory, Func<Uri, GrpcChannel>? openChannel, CancellationToken cancellationToken, params string[] settings)
    {
        var host = new InferenceHost(await LoopbackHost.StartAsync(
            args => InferenceApp.Build(args, builder => builder.Logging.AddFakeLogging()),
            [
                $"--Tokenizer:Address={tokenizer}",
                "--Tokenizer:HealthCheckInterval=00:00:00.250",
                $"--Models:ModelsDirectory={modelsDirectory}",
                "--Logging:LogLevel:Default=Warning",
                .. settings,
            ],
            cancellationToken,
            openChannel));
        try
        {
            await host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(90), cancellationToken);
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }

    /// <summary>Inputs the model has run, read from the model itself.</summary>
    public long ExecutedInputs(string model) => Encoder(model).ExecutedInputs;

    /// <summary>Inputs admitted to <paramref name="model"/>'s batcher and not yet taken, read from the batcher itself.</summary>
    public int QueueLength(string model) =>
        _host.App.Services.GetRequiredService<EmbeddingBatchers>().Get(_host.App.Services.GetRequiredService<ModelRegistry>().Get(model)).QueueLength;

    /// <summary>Collects what this host records on <paramref name="instrument"/> of its own meter from now on.</summary>
    public MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(_host.App.Services.GetRequiredService<KazGrpc.Hosting.ServerMetrics>().Meter, instrument);

    /// <summary>The loaded encoder of <paramref name="model"/>.</summary>
    public EncoderModel Encoder(string model) => (EncoderModel)_host.App.Services.GetRequiredService<ModelRegistry>().Get(model).Runtime!;

    /// <inheritdoc cref="LoopbackHost.WaitForHealthAsync"/>
    public Task WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus status, TimeSpan timeout, CancellationToken cancellationToken) =>
        _host.WaitForHealthAsync(status, timeout, cancellationToken);

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
