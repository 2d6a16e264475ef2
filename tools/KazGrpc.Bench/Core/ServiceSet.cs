using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Launcher;

namespace KazGrpc.Bench.Core;

/// <summary>
/// The servers a bench command starts, each on first use as a process of its own on free loopback
/// ports, known by name and kept for every run. Each is ready once it answers as the benchmark will
/// call it. Every server runs under build/service-runtime.env, the services with
/// <c>--service-env</c> over it. Disposing stops them, the latest first.
/// </summary>
/// <param name="serviceEnvironment"><c>--service-env</c>: NAME=VALUE set over build/service-runtime.env for the services.</param>
/// <param name="warmup">Warm-up before each window.</param>
/// <param name="serviceWarmup">More warm-up before the first window of each process.</param>
/// <param name="envelope">What of the envelope the services run with; <c>--service-env</c> goes over its settings.</param>
internal sealed class ServiceSet(IReadOnlyDictionary<string, string> serviceEnvironment, TimeSpan warmup, TimeSpan serviceWarmup, Envelope envelope) : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);

    private readonly Dictionary<string, RunningService> _running = new(StringComparer.Ordinal);
    private readonly HashSet<RunningService> _measured = [];

    /// <summary>build/service-runtime.env, which every server this benchmark starts runs under.</summary>
    public IReadOnlyDictionary<string, string> RuntimeEnvironment { get; } = ServiceRuntimeEnvironment.Read(RepositoryPaths.Root);

    /// <summary>The services' environment: <see cref="RuntimeEnvironment"/> with <c>--service-env</c> over it.</summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment =>
        ServiceRuntimeEnvironment.With(ServiceRuntimeEnvironment.With(RuntimeEnvironment, envelope.Environment), serviceEnvironment);

    /// <summary>tokenizer-svc with the models of <paramref name="modelsDirectory"/>, ready once it lists <paramref name="tokenizer"/>.</summary>
    public Task<RunningService> TokenizerAsync(string modelsDirectory, string tokenizer, CancellationToken cancellationToken) => StartAsync(
        "tokenizer-svc",
        RepositoryPaths.TokenizerServiceDll,
        (grpc, _) => [$"--Hosting:GrpcAddress=127.0.0.1:{grpc}", "--Hosting:MetricsAddress=", "--Hosting:HttpAddress=", $"--Tokenization:ModelsDirectory={modelsDirectory}", "--Logging:LogLevel:Default=Warning"],
        ServiceEnvironment,
        hasMetrics: false,
        async (calls, token) => (await new TokenizerService.TokenizerServiceClient(calls).ListTokenizersAsync(new ListTokenizersRequest(), cancellationToken: token))
            .Tokenizers.Any(t => t.Name == tokenizer),
        cancellationToken);

    /// <summary>
    /// The inference-svc called <paramref name="name"/>, serving <paramref name="modelsDirectory"/> with
    /// <paramref name="tokenizer"/> and <paramref name="settings"/> (<c>--Section:Key=value</c>), ready once
    /// <paramref name="model"/> is.
    /// </summary>
    public Task<RunningService> InferenceAsync(
        string name, RunningService tokenizer, string modelsDirectory, string model, IEnumerable<string> settings, CancellationToken cancellationToken) => StartAsync(
        name,
        RepositoryPaths.InferenceServiceDll,
        (grpc, metrics) =>
        [
            $"--Hosting:GrpcAddress=127.0.0.1:{grpc}", $"--Hosting:MetricsAddress=127.0.0.1:{metrics}", "--Hosting:HttpAddress=", $"--Tokenizer:Address={tokenizer.Address}",
            $"--Models:ModelsDirectory={modelsDirectory}", "--Logging:LogLevel:Default=Warning", .. settings,
        ],
        ServiceEnvironment,
        hasMetrics: true,
        async (calls, token) => await new InferenceService.InferenceServiceClient(calls).GetModelAsync(new GetModelRequest { Name = model }, cancellationToken: token)
            is { State: ModelState.Ready },
        cancellationToken);

    /// <summary>
    /// The server called <paramref name="name"/>: started from <paramref name="dll"/> with <paramref name="args"/> (given
    /// its gRPC and metrics ports) on first use, then ready once its health service says SERVING and
    /// <paramref name="ready"/>, when given, says yes; the same server afterwards.
    /// </summary>
    public async Task<RunningService> StartAsync(
        string name, string dll, Func<int, int, IEnumerable<string>> args, IReadOnlyDictionary<string, string> environment, bool hasMetrics,
        Func<CallInvoker, CancellationToken, Task<bool>>? ready, CancellationToken cancellationToken)
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
            hasMetrics ? new Uri($"http://127.0.0.1:{metrics}") : null,
            envelope.ApiKey);
        try
        {
            await service.Process.WaitServingAsync(
                service.Address, ReadyTimeout, cancellationToken, ready: ready is null ? null : (channel, token) => ready(RunningService.WithKey(channel, envelope.ApiKey), token));
            return _running[name] = service;
        }
        catch
        {
            await service.DisposeAsync();
            throw;
        }
    }

    /// <summary>The warm-up of a window on <paramref name="involved"/>: longer when one of them is measured
    /// for the first time, as a fresh process JIT-compiles for many seconds under load.</summary>
    public TimeSpan WarmupFor(params RunningService[] involved) =>
        involved.Aggregate(false, (fresh, service) => _measured.Add(service) | fresh) ? warmup + serviceWarmup : warmup;

    public async ValueTask DisposeAsync()
    {
        // Latest first: the inference-svc processes before the tokenizer-svc they call.
        foreach (var service in _running.Values.Reverse())
        {
            await service.DisposeAsync();
        }

        _running.Clear();
    }
}
