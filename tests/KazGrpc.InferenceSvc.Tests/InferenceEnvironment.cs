using Grpc.Health.V1;
using Grpc.Net.Client;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.ModelForge;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>
/// Both services for real: tokenizer-svc as its own process, inference-svc in this process, on
/// loopback, over a models directory with the real all-MiniLM-L6-v2, the forge's identity encoder
/// and a generation model directory.
/// </summary>
public sealed class InferenceEnvironment : IAsyncDisposable
{
    private readonly string _models = Directory.CreateTempSubdirectory("kazgrpc-inference-").FullName;
    private WebApplication? _app;

    private InferenceEnvironment()
    {
        Tokenizer = new TokenizerProcess(_models);
    }

    internal TokenizerProcess Tokenizer { get; }

    public FakeLogCollector Logs { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public InferenceService.InferenceServiceClient Client { get; private set; } = null!;

    public Health.HealthClient Health { get; private set; } = null!;

    public Uri MetricsAddress { get; private set; } = null!;

    /// <summary>Inputs the model has run, read from the model itself.</summary>
    public long ExecutedInputs(string model) => Encoder(model).ExecutedInputs;

    /// <summary>Inputs admitted to <paramref name="model"/>'s batcher and not yet taken, read from the
    /// batcher itself.</summary>
    public int QueueLength(string model)
    {
        var entry = _app!.Services.GetRequiredService<KazGrpc.Models.ModelRegistry>().Get(model);
        return _app.Services.GetRequiredService<KazGrpc.InferenceSvc.Embeddings.EmbeddingBatchers>().Get(entry).QueueLength;
    }

    /// <summary>Collects what this host records on <paramref name="instrument"/> of its own meter from now on.</summary>
    public Microsoft.Extensions.Diagnostics.Metrics.Testing.MetricCollector<T> Collect<T>(string instrument)
        where T : struct => new(_app!.Services.GetRequiredService<KazGrpc.Hosting.ServerMetrics>().Meter, instrument);

    /// <summary>The loaded encoder of <paramref name="model"/>.</summary>
    public KazGrpc.Models.EncoderModel Encoder(string model) =>
        (KazGrpc.Models.EncoderModel)_app!.Services.GetRequiredService<KazGrpc.Models.ModelRegistry>().Get(model).Runtime!;

    public static Task<InferenceEnvironment> StartAsync(CancellationToken cancellationToken, params string[] settings) =>
        StartAsync(_ => { }, cancellationToken, settings);

    /// <summary>Starts both services after <paramref name="addModels"/> has added model directories to the models directory it is given.</summary>
    public static async Task<InferenceEnvironment> StartAsync(Action<string> addModels, CancellationToken cancellationToken, params string[] settings)
    {
        var environment = new InferenceEnvironment();
        try
        {
            addModels(environment._models);
            await environment.InitializeAsync(settings, cancellationToken);
            return environment;
        }
        catch
        {
            await environment.DisposeAsync();
            throw;
        }
    }

    public async Task WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus status, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var until = DateTime.UtcNow + timeout;
        var last = HealthCheckResponse.Types.ServingStatus.Unknown;
        while (DateTime.UtcNow < until)
        {
            last = (await Health.CheckAsync(new HealthCheckRequest(), cancellationToken: cancellationToken)).Status;
            if (last == status)
            {
                return;
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new TimeoutException($"inference-svc health stayed {last}, not {status}, for {timeout.TotalSeconds} s");
    }

    public async ValueTask DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Tokenizer.DisposeAsync();
        Directory.Delete(_models, recursive: true);
    }

    private async Task InitializeAsync(string[] settings, CancellationToken cancellationToken)
    {
        Directory.CreateSymbolicLink(Path.Combine(_models, "minilm"), Repository.MiniLmDirectory);
        IdentityEncoder.Write(Path.Combine(_models, "identity"), tokenizer: "minilm");
        var generation = Path.Combine(_models, "kaz-gen");
        Directory.CreateDirectory(generation);
        File.Copy(Path.Combine(_models, "identity", "model.onnx"), Path.Combine(generation, "model.onnx"));
        await File.WriteAllTextAsync(Path.Combine(generation, "genai_config.json"), """{"model":{"context_length":2048,"eos_token_id":199999}}""", cancellationToken);

        await Tokenizer.StartAsync(cancellationToken);
        _app = InferenceApp.Build(
        [
            "--Hosting:GrpcAddress=127.0.0.1:0",
            "--Hosting:MetricsAddress=127.0.0.1:0",

            // Each in-process host its own meter, so that its /metrics shows only its own instruments.
            $"--Hosting:MeterName=KazGrpc.test.{Guid.NewGuid():N}",
            $"--Tokenizer:Address={Tokenizer.Address}",
            "--Tokenizer:HealthCheckInterval=00:00:00.250",
            $"--Models:ModelsDirectory={_models}",
            "--Logging:LogLevel:Default=Warning",
            .. settings,
        ], builder => builder.Logging.AddFakeLogging());
        await _app.StartAsync(cancellationToken);
        Logs = _app.Services.GetRequiredService<FakeLogCollector>();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        MetricsAddress = addresses[1];
        Channel = GrpcChannel.ForAddress(addresses[0]);
        Client = new InferenceService.InferenceServiceClient(Channel);
        Health = new Health.HealthClient(Channel);
        await WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(90), cancellationToken);
    }
}

/// <summary>One environment shared by the functional tests that do not disturb it.</summary>
public sealed class SharedInferenceFixture : IAsyncLifetime
{
    public InferenceEnvironment Environment { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Environment = await InferenceEnvironment.StartAsync(TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync() => await Environment.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedInferenceGroup : ICollectionFixture<SharedInferenceFixture>
{
    public const string Name = "inference-svc";
}
