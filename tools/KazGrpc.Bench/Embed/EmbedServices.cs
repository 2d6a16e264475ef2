using Grpc.Net.Client;
using KazGrpc.Bench.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Launcher;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// The servers of <c>bench embed</c>, each started on first use as a process of its own on free
/// loopback ports and kept for every run: tokenizer-svc, an inference-svc per served kind (the model,
/// the model with MaxBatchSize=1, the identity encoder), and the bare and hop echo servers
/// (<c>kazgrpc-bench echo-server</c>). Each is ready once it answers as the benchmark will call it.
/// </summary>
internal sealed class EmbedServices(EmbedSettings settings, ModelWorkspace workspace) : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, RunningService> _running = new(StringComparer.Ordinal);
    private readonly HashSet<RunningService> _measured = [];

    /// <summary>build/service-runtime.env, which every server this benchmark starts runs under.</summary>
    public IReadOnlyDictionary<string, string> RuntimeEnvironment { get; } = ServiceRuntimeEnvironment.Read(RepositoryPaths.Root);

    /// <summary>The services' environment: <see cref="RuntimeEnvironment"/> with <c>--service-env</c> over it.</summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment => ServiceRuntimeEnvironment.With(RuntimeEnvironment, settings.ServiceEnvironment);

    public Task<RunningService> TokenizerAsync(CancellationToken cancellationToken) => StartAsync(
        "tokenizer-svc",
        RepositoryPaths.TokenizerServiceDll,
        (grpc, _) => [$"--Hosting:GrpcAddress=127.0.0.1:{grpc}", "--Hosting:MetricsAddress=", $"--Tokenization:ModelsDirectory={workspace.ModelsDirectory}", "--Logging:LogLevel:Default=Warning"],
        ServiceEnvironment,
        hasMetrics: false,
        async (channel, token) => (await new TokenizerService.TokenizerServiceClient(channel).ListTokenizersAsync(new ListTokenizersRequest(), cancellationToken: token))
            .Tokenizers.Any(t => t.Name == workspace.Tokenizer),
        cancellationToken);

    /// <summary>The inference-svc that serves <paramref name="kind"/>: <see cref="WindowKind.Served"/>, <see cref="WindowKind.Naive"/> or <see cref="WindowKind.Identity"/>.</summary>
    public async Task<RunningService> InferenceAsync(WindowKind kind, CancellationToken cancellationToken)
    {
        var tokenizer = await TokenizerAsync(cancellationToken);
        var model = ModelOf(kind);
        string[] naive = kind == WindowKind.Naive ? ["--DynamicBatching:MaxBatchSize=1"] : [];
        return await StartAsync(
            $"inference-svc ({kind.ToString().ToLowerInvariant()})",
            RepositoryPaths.InferenceServiceDll,
            (grpc, metrics) =>
            [
                $"--Hosting:GrpcAddress=127.0.0.1:{grpc}", $"--Hosting:MetricsAddress=127.0.0.1:{metrics}", $"--Tokenizer:Address={tokenizer.Address}",
                $"--Models:ModelsDirectory={(kind == WindowKind.Identity ? workspace.IdentityModelsDirectory : workspace.ModelsDirectory)}",
                $"--OnnxRuntime:ExecutionProvider={settings.ExecutionProvider}", "--Logging:LogLevel:Default=Warning", .. settings.InferenceConfig, .. naive,
            ],
            ServiceEnvironment,
            hasMetrics: true,
            async (channel, token) => await new InferenceService.InferenceServiceClient(channel).GetModelAsync(new GetModelRequest { Name = model }, cancellationToken: token)
                is { State: ModelState.Ready },
            cancellationToken);
    }

    /// <summary>The bare echo, or with <paramref name="hop"/> the echo that first tokenizes through this benchmark's tokenizer-svc.</summary>
    public async Task<RunningService> EchoAsync(bool hop, CancellationToken cancellationToken)
    {
        string[] through = hop ? ["--tokenizer-address", (await TokenizerAsync(cancellationToken)).Address.ToString(), "--tokenizer", workspace.Tokenizer] : [];
        // The hop echo's tokenizer client stands in for inference-svc's: it runs under the services' environment.
        return await StartAsync(
            hop ? "hop-echo" : "echo",
            Path.Combine(AppContext.BaseDirectory, "kazgrpc-bench.dll"),
            (grpc, _) => ["echo-server", "--port", grpc.ToString(System.Globalization.CultureInfo.InvariantCulture), .. through],
            hop ? ServiceEnvironment : RuntimeEnvironment,
            hasMetrics: false,
            ready: null,
            cancellationToken);
    }

    /// <summary>The model the inference-svc of <paramref name="kind"/> serves.</summary>
    public string ModelOf(WindowKind kind) => kind == WindowKind.Identity ? ModelWorkspace.IdentityModel : workspace.Model;

    /// <summary>The warm-up of a window on <paramref name="involved"/>: longer when one of them is measured
    /// for the first time, as a fresh process JIT-compiles for many seconds under load.</summary>
    public TimeSpan WarmupFor(params RunningService[] involved) =>
        involved.Aggregate(false, (fresh, service) => _measured.Add(service) | fresh) ? settings.Warmup + settings.ServiceWarmup : settings.Warmup;

    public async ValueTask DisposeAsync()
    {
        // Latest first: the inference-svc processes before the tokenizer-svc they call.
        foreach (var service in _running.Values.Reverse())
        {
            await service.DisposeAsync();
        }

        _running.Clear();
    }

    private async Task<RunningService> StartAsync(
        string name, string dll, Func<int, int, IEnumerable<string>> args, IReadOnlyDictionary<string, string> environment, bool hasMetrics,
        Func<GrpcChannel, CancellationToken, Task<bool>>? ready, CancellationToken cancellationToken)
    {
        if (_running.TryGetValue(name, out var running))
        {
            running.Process.ThrowIfExited();
            return running;
        }

        var (grpc, metrics) = (FreePort.Next(), hasMetrics ? FreePort.Next() : 0);
        var service = new RunningService(
            ServiceProcess.Start(name, dll, args(grpc, metrics), environment, RepositoryPaths.Root),
            new Uri($"http://127.0.0.1:{grpc}"),
            hasMetrics ? new Uri($"http://127.0.0.1:{metrics}") : null);
        try
        {
            await service.Process.WaitServingAsync(service.Address, ReadyTimeout, cancellationToken, ready: ready);
            return _running[name] = service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }
}
