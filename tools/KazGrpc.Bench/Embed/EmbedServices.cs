using Grpc.Core;
using Grpc.Health.V1;
using KazGrpc.Bench.Echo.V1;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// The services of <c>bench embed</c>, each started on first use and kept until the end (so later
/// runs find them warm): one tokenizer-svc (or the one at <c>--tokenizer-address</c>), an
/// inference-svc per <see cref="InferenceVariant"/> (the served one may be <c>--inference-address</c>),
/// the echo server and the hop echo server. Each is ready when it answers as the benchmark will call it.
/// </summary>
internal sealed class EmbedServices(EmbedBenchOptions options, BenchWorkspace workspace, string repositoryRoot) : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan ProbeDeadline = TimeSpan.FromSeconds(5);

    private readonly Dictionary<InferenceVariant, ServiceTarget> _inference = [];
    private readonly HashSet<ServiceTarget> _warmed = [];
    private ServiceTarget? _tokenizer;
    private ServiceTarget? _echo;
    private ServiceTarget? _hopEcho;
    private IReadOnlyDictionary<string, string>? _serviceEnvironment;

    /// <summary>What every server this benchmark starts runs under (<see cref="ServiceRuntimeEnvironment"/>).</summary>
    public IReadOnlyDictionary<string, string> RuntimeEnvironment { get; } = ServiceRuntimeEnvironment.Read(repositoryRoot);

    /// <summary>What the services (and the hop echo, whose tokenizer client stands in for inference-svc's)
    /// run under: the runtime environment with <c>--service-env</c> over it.</summary>
    private IReadOnlyDictionary<string, string> ServiceEnvironment =>
        _serviceEnvironment ??= ServiceRuntimeEnvironment.With(RuntimeEnvironment, options.ServiceEnvironment);

    /// <summary>Every service this benchmark started, for CPU snapshots.</summary>
    public IEnumerable<ServiceTarget> Started =>
        new[] { _tokenizer, _echo, _hopEcho }.Concat(_inference.Values).OfType<ServiceTarget>().Where(t => t.Process is not null);

    /// <summary>The tokenizer-svc, started when there is none yet.</summary>
    public ServiceTarget? Tokenizer => _tokenizer;

    /// <summary>The inference-svc's dll in the Release build output.</summary>
    private string InferenceDll => Path.Combine(repositoryRoot, "inference-svc", "bin", "Release", "net10.0", "KazGrpc.InferenceSvc.dll");

    /// <summary>The tokenizer-svc's dll in the Release build output.</summary>
    private string TokenizerDll => Path.Combine(repositoryRoot, "tokenizer-svc", "bin", "Release", "net10.0", "KazGrpc.TokenizerSvc.dll");

    /// <summary>
    /// True the first time it is asked for a process this benchmark started: its first window needs
    /// the long warm-up, because a fresh service JIT-compiles (tier 0, then instrumented, then
    /// optimised code) for many seconds under load before its cost per call settles.
    /// </summary>
    public bool NeedsWarmup(ServiceTarget target) => target.Process is not null && _warmed.Add(target);

    /// <summary>The served model of <paramref name="variant"/>.</summary>
    public string ModelOf(InferenceVariant variant) => variant == InferenceVariant.Overhead ? BenchWorkspace.IdentityModel : workspace.Model;

    /// <summary>The inference-svc of <paramref name="variant"/>, ready to embed.</summary>
    public async Task<ServiceTarget> InferenceAsync(InferenceVariant variant, CancellationToken cancellationToken)
    {
        if (_inference.TryGetValue(variant, out var existing))
        {
            existing.Process?.ThrowIfExited();
            return existing;
        }

        var name = $"inference-svc ({variant.ToString().ToLowerInvariant()})";
        ServiceTarget target;
        if (variant == InferenceVariant.Served && options.InferenceAddress is { } address)
        {
            target = new ServiceTarget(name, address, options.InferenceMetrics, null);
        }
        else
        {
            var tokenizer = await TokenizerAsync(cancellationToken);
            var grpc = ServiceProcess.FreePort();
            var metrics = ServiceProcess.FreePort();
            List<string> args =
            [
                $"--Hosting:GrpcAddress=127.0.0.1:{grpc}",
                $"--Hosting:MetricsAddress=127.0.0.1:{metrics}",
                $"--Tokenizer:Address={tokenizer.Address}",
                $"--Models:ModelsDirectory={(variant == InferenceVariant.Overhead ? workspace.IdentityModelsDirectory : workspace.ModelsDirectory)}",
                $"--OnnxRuntime:ExecutionProvider={options.ExecutionProvider}",
                "--Logging:LogLevel:Default=Warning",
                .. options.InferenceConfig,
            ];
            if (variant == InferenceVariant.Naive)
            {
                args.Add("--DynamicBatching:MaxBatchSize=1");
            }

            var process = ServiceProcess.Start(name, InferenceDll, args, repositoryRoot, ServiceEnvironment);
            target = new ServiceTarget(name, new Uri($"http://127.0.0.1:{grpc}"), new Uri($"http://127.0.0.1:{metrics}"), process);
        }

        _inference[variant] = await ReadyAsync(target, async (channel, token) =>
            await new InferenceService.InferenceServiceClient(channel).GetModelAsync(
                new GetModelRequest { Name = ModelOf(variant) }, deadline: DateTime.UtcNow + ProbeDeadline, cancellationToken: token) is { State: ModelState.Ready }, checkHealth: true, cancellationToken);
        return target;
    }

    /// <summary>The tokenizer-svc, ready to tokenize with the model's tokenizer.</summary>
    public async Task<ServiceTarget> TokenizerAsync(CancellationToken cancellationToken)
    {
        if (_tokenizer is not null)
        {
            _tokenizer.Process?.ThrowIfExited();
            return _tokenizer;
        }

        ServiceTarget target;
        if (options.TokenizerAddress is { } address)
        {
            target = new ServiceTarget("tokenizer-svc", address, null, null);
        }
        else
        {
            var grpc = ServiceProcess.FreePort();
            List<string> args =
            [
                $"--Hosting:GrpcAddress=127.0.0.1:{grpc}",
                "--Hosting:MetricsAddress=",
                $"--Tokenization:ModelsDirectory={workspace.ModelsDirectory}",
                "--Logging:LogLevel:Default=Warning",
                .. options.TokenizerConfig,
            ];
            var process = ServiceProcess.Start("tokenizer-svc", TokenizerDll, args, repositoryRoot, ServiceEnvironment);
            target = new ServiceTarget("tokenizer-svc", new Uri($"http://127.0.0.1:{grpc}"), null, process);
        }

        _tokenizer = await ReadyAsync(target, async (channel, token) =>
            (await new TokenizerService.TokenizerServiceClient(channel).ListTokenizersAsync(
                new ListTokenizersRequest(), deadline: DateTime.UtcNow + ProbeDeadline, cancellationToken: token)).Tokenizers.Any(t => t.Name == workspace.Tokenizer), checkHealth: true, cancellationToken);
        return target;
    }

    /// <summary>The echo server (this executable's <c>echo-server</c> command), ready to answer.</summary>
    public async Task<ServiceTarget> EchoAsync(CancellationToken cancellationToken) =>
        _echo = await EchoServerAsync(_echo, "echo-server", [], RuntimeEnvironment, cancellationToken);

    /// <summary>The hop echo server (<c>echo-server --tokenizer</c>, against this benchmark's tokenizer-svc), ready to answer.</summary>
    public async Task<ServiceTarget> HopEchoAsync(CancellationToken cancellationToken)
    {
        var tokenizer = await TokenizerAsync(cancellationToken);
        // Its tokenizer client runs under the services' environment (with --service-env), as inference-svc's does.
        return _hopEcho = await EchoServerAsync(_hopEcho, "hop-echo-server", ["--tokenizer", tokenizer.Address.ToString(), workspace.Tokenizer], ServiceEnvironment, cancellationToken);
    }

    /// <summary><paramref name="existing"/>, or a new echo server process started with <paramref name="extra"/> arguments.</summary>
    private async Task<ServiceTarget> EchoServerAsync(
        ServiceTarget? existing, string name, string[] extra, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        if (existing is not null)
        {
            existing.Process?.ThrowIfExited();
            return existing;
        }

        var port = ServiceProcess.FreePort();
        var process = ServiceProcess.Start(name, Path.Combine(AppContext.BaseDirectory, "kazgrpc-bench.dll"),
            ["echo-server", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), .. extra], repositoryRoot, environment);
        var target = new ServiceTarget(name, new Uri($"http://127.0.0.1:{port}"), null, process);
        var client = new EchoService.EchoServiceClient(target.Channel);
        return await ReadyAsync(target, async (_, token) =>
            await client.EchoAsync(new EchoRequest { Text = "ready?", ReplyFloats = 1 }, deadline: DateTime.UtcNow + ProbeDeadline, cancellationToken: token) is not null,
            checkHealth: false,
            cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var target in _inference.Values.Concat(new[] { _echo, _hopEcho, _tokenizer }.OfType<ServiceTarget>()))
        {
            await target.DisposeAsync();
        }

        _inference.Clear();
        _echo = null;
        _hopEcho = null;
        _tokenizer = null;
    }

    /// <summary>Returns <paramref name="target"/> once health says SERVING (when <paramref name="checkHealth"/>)
    /// and <paramref name="ready"/> says yes; disposes it (stopping its process) when it never gets there.</summary>
    private static async Task<ServiceTarget> ReadyAsync(ServiceTarget target, Func<Grpc.Net.Client.GrpcChannel, CancellationToken, Task<bool>> ready, bool checkHealth, CancellationToken cancellationToken)
    {
        try
        {
            await WaitReadyAsync(target, ready, checkHealth, cancellationToken);
            return target;
        }
        catch
        {
            await target.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until health says SERVING (when <paramref name="checkHealth"/>) and <paramref name="ready"/> says yes.</summary>
    private static async Task WaitReadyAsync(ServiceTarget target, Func<Grpc.Net.Client.GrpcChannel, CancellationToken, Task<bool>> ready, bool checkHealth, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ReadyTimeout);
        var health = new Health.HealthClient(target.Channel);
        try
        {
            while (true)
            {
                target.Process?.ThrowIfExited();
                try
                {
                    var serving = !checkHealth || (await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + ProbeDeadline, cancellationToken: timeout.Token)).Status
                        == HealthCheckResponse.Types.ServingStatus.Serving;
                    if (serving && await ready(target.Channel, timeout.Token))
                    {
                        return;
                    }
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.NotFound)
                {
                    // Not listening yet, still loading, or the model is not there yet.
                }

                await Task.Delay(100, timeout.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{target.Name} at {target.Address} was not ready within {ReadyTimeout.TotalMinutes:F0} minutes; its last output:\n{target.Process?.RecentOutput()}", ex);
        }
    }
}
