using KazGrpc.Launcher;
using KazGrpc.ModelForge;

namespace KazGrpc.Client.Tests.Callers;

/// <summary>
/// KazGrpc as a platform team scales it out on one machine: one tokenizer-svc and two inference-svc
/// replicas, each a real process on a loopback port, serving the real MiniLM and a forged tiny
/// decoder. A test may kill a replica (<see cref="KillReplicaAsync"/>), so each test class that does
/// gets a cluster of its own.
/// </summary>
public sealed class ServingCluster : IAsyncLifetime
{
    private readonly TempDirectory _models = new();
    private readonly List<ServiceProcess> _replicas = [];
    private ServiceProcess? _tokenizer;

    /// <summary>tokenizer-svc's address.</summary>
    public Uri TokenizerAddress { get; } = new($"http://127.0.0.1:{FreePort.Next()}");

    /// <summary>The replicas' addresses, in start order.</summary>
    public IReadOnlyList<Uri> ReplicaAddresses { get; } = [new($"http://127.0.0.1:{FreePort.Next()}"), new($"http://127.0.0.1:{FreePort.Next()}")];

    /// <summary>Every replica's address, comma-separated, as <see cref="KazGrpcClientOptions.InferenceAddress"/> takes them.</summary>
    public string InferenceAddresses => string.Join(',', ReplicaAddresses.Select(a => a.ToString().TrimEnd('/')));

    /// <summary>Options of a client of the whole cluster, changed by <paramref name="change"/>.</summary>
    public KazGrpcClientOptions ClientOptions(Action<KazGrpcClientOptions>? change = null)
    {
        var options = new KazGrpcClientOptions
        {
            InferenceAddress = InferenceAddresses,
            TokenizerAddress = TokenizerAddress.ToString().TrimEnd('/'),
        };
        change?.Invoke(options);
        return options;
    }

    public async ValueTask InitializeAsync()
    {
        Directory.CreateSymbolicLink(_models.Combine("minilm"), PreparedModels.MiniLmDirectory);
        LlamaDecoder.Write(_models.Combine("kaz-tiny"), new DecoderForgeOptions());
        var environment = ServiceRuntimeEnvironment.Read(RepositoryPaths.Root);
        using var startup = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        _tokenizer = ServiceProcess.Start(
            "tokenizer-svc",
            RepositoryPaths.TokenizerServiceDll,
            [
                $"--Hosting:GrpcAddress={TokenizerAddress.Authority}", "--Hosting:MetricsAddress=", "--Hosting:HttpAddress=",
                $"--Tokenization:ModelsDirectory={_models.Path}", "--Logging:LogLevel:Default=Warning",
            ],
            environment);
        await _tokenizer.WaitServingAsync(TokenizerAddress, TimeSpan.FromMinutes(2), startup.Token);
        foreach (var address in ReplicaAddresses)
        {
            _replicas.Add(ServiceProcess.Start(
                $"inference-svc {address.Authority}",
                RepositoryPaths.InferenceServiceDll,
                [
                    $"--Hosting:GrpcAddress={address.Authority}", "--Hosting:MetricsAddress=", "--Hosting:HttpAddress=",
                    $"--Models:ModelsDirectory={_models.Path}", $"--Tokenizer:Address={TokenizerAddress}",
                    "--OnnxRuntime:DecoderIntraOpThreads=1", "--OnnxRuntime:IntraOpThreads=1", "--Logging:LogLevel:Default=Warning",
                ],
                environment));
        }

        // Started together, the replicas load their models side by side.
        await Task.WhenAll(_replicas.Select((r, i) => r.WaitServingAsync(ReplicaAddresses[i], TimeSpan.FromMinutes(3), startup.Token)));
    }

    /// <summary>Kills replica <paramref name="index"/> (SIGKILL: no graceful shutdown, as a crashed node).</summary>
    public async Task KillReplicaAsync(int index) => await _replicas[index].DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            await replica.DisposeAsync();
        }

        if (_tokenizer is not null)
        {
            await _tokenizer.DisposeAsync();
        }

        _models.Dispose();
    }
}
