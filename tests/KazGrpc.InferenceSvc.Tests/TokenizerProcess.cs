using Grpc.Net.Client;
using KazGrpc.Launcher;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>
/// tokenizer-svc as a real process on a loopback port, started as <c>./run.sh</c> starts it (the
/// services' runtime environment, <c>build/service-runtime.env</c>). Tests stop and restart it on
/// the same port, or freeze (SIGSTOP: its port still accepts, nothing answers) and thaw it.
/// </summary>
public sealed class TokenizerProcess : IAsyncDisposable
{
    private readonly string _modelsDirectory;
    private readonly string[] _settings;
    private readonly int _port = FreePort.Next();
    private ServiceProcess? _process;

    /// <summary>A tokenizer-svc over <paramref name="modelsDirectory"/>, with <paramref name="settings"/>
    /// (<c>--Section:Key=value</c>) over the test defaults; nothing starts until <see cref="StartAsync"/>.</summary>
    public TokenizerProcess(string modelsDirectory, params string[] settings)
    {
        _modelsDirectory = modelsDirectory;
        _settings = settings;
    }

    /// <summary>
    /// Opens a channel that speaks this tokenizer's TLS, for the health checks that wait for it; set
    /// it when the settings turn TLS on (<c>--Hosting:Tls:...</c>), and <see cref="Address"/> says https.
    /// </summary>
    public Func<Uri, GrpcChannel>? TlsChannel { get; init; }

    public Uri Address => new($"{(TlsChannel is null ? "http" : "https")}://127.0.0.1:{_port}");

    /// <summary>Starts the process and waits until it reports SERVING.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _process = ServiceProcess.Start(
            "tokenizer-svc",
            RepositoryPaths.TokenizerServiceDll,
            [
                $"--Hosting:GrpcAddress=127.0.0.1:{_port}",
                "--Hosting:MetricsAddress=",
                "--Hosting:HttpAddress=",
                $"--Tokenization:ModelsDirectory={_modelsDirectory}",
                "--Tokenization:Builtins:0=o200k_base",
                "--Logging:LogLevel:Default=Warning",
                .. _settings,
            ],
            ServiceRuntimeEnvironment.Read(RepositoryPaths.Root));
        await _process.WaitServingAsync(Address, TimeSpan.FromSeconds(120), cancellationToken, openChannel: TlsChannel);
    }

    /// <summary>Kills the process; <see cref="StartAsync"/> starts it again on the same port.</summary>
    public async Task StopAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
            _process = null;
        }
    }

    public void Freeze() => _process?.Signal("STOP");

    public void Thaw() => _process?.Signal("CONT");

    public ValueTask DisposeAsync() => new(StopAsync());
}
