using KazGrpc.Bench.Core;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// The servers of <c>bench embed</c> (<see cref="ServiceSet"/>): tokenizer-svc, an inference-svc per
/// served kind (the model, the model with MaxBatchSize=1, the identity encoder), and the bare and hop
/// echo servers (<c>kazgrpc-bench echo-server</c>).
/// </summary>
internal sealed class EmbedServices(EmbedSettings settings, ModelWorkspace workspace, Envelope envelope) : IAsyncDisposable
{
    private readonly ServiceSet _set = new(settings.ServiceEnvironment, settings.Warmup, settings.ServiceWarmup, envelope);

    /// <summary>The services' environment: build/service-runtime.env with <c>--service-env</c> over it.</summary>
    public IReadOnlyDictionary<string, string> ServiceEnvironment => _set.ServiceEnvironment;

    public Task<RunningService> TokenizerAsync(CancellationToken cancellationToken) =>
        _set.TokenizerAsync(workspace.ModelsDirectory, workspace.Tokenizer, cancellationToken);

    /// <summary>The inference-svc that serves <paramref name="kind"/>: <see cref="WindowKind.Served"/>, <see cref="WindowKind.Naive"/> or <see cref="WindowKind.Identity"/>.</summary>
    public async Task<RunningService> InferenceAsync(WindowKind kind, CancellationToken cancellationToken)
    {
        var tokenizer = await TokenizerAsync(cancellationToken);
        string[] naive = kind == WindowKind.Naive ? ["--DynamicBatching:MaxBatchSize=1"] : [];
        return await _set.InferenceAsync(
            $"inference-svc ({kind.ToString().ToLowerInvariant()})",
            tokenizer,
            kind == WindowKind.Identity ? workspace.IdentityModelsDirectory : workspace.ModelsDirectory,
            ModelOf(kind),
            [$"--OnnxRuntime:ExecutionProvider={settings.ExecutionProvider}", .. settings.InferenceConfig, .. naive],
            cancellationToken);
    }

    /// <summary>The bare echo, or with <paramref name="hop"/> the echo that first tokenizes through this benchmark's tokenizer-svc.</summary>
    public async Task<RunningService> EchoAsync(bool hop, CancellationToken cancellationToken)
    {
        string[] through = hop ? ["--tokenizer-address", (await TokenizerAsync(cancellationToken)).Address.ToString(), "--tokenizer", workspace.Tokenizer] : [];
        // The hop echo's tokenizer client stands in for inference-svc's: it runs under the services' environment.
        return await _set.StartAsync(
            hop ? "hop-echo" : "echo",
            Path.Combine(AppContext.BaseDirectory, "kazgrpc-bench.dll"),
            (grpc, _) => ["echo-server", "--port", grpc.ToString(System.Globalization.CultureInfo.InvariantCulture), .. through],
            hop ? _set.ServiceEnvironment : _set.RuntimeEnvironment,
            hasMetrics: false,
            ready: null,
            cancellationToken);
    }

    /// <summary>The model the inference-svc of <paramref name="kind"/> serves.</summary>
    public string ModelOf(WindowKind kind) => kind == WindowKind.Identity ? ModelWorkspace.IdentityModel : workspace.Model;

    /// <inheritdoc cref="ServiceSet.WarmupFor"/>
    public TimeSpan WarmupFor(params RunningService[] involved) => _set.WarmupFor(involved);

    public ValueTask DisposeAsync() => _set.DisposeAsync();
}
