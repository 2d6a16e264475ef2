using Grpc.Health.V1;
using KazGrpc.Launcher;

namespace KazGrpc.Client.Tests;

/// <summary>
/// A tokenizer-svc of one test's own, in this process on a fixed loopback port, that the test stops
/// (its connections are cut after a 200 ms grace, as when the process dies) and starts again on the
/// same port.
/// </summary>
internal sealed class RestartableTokenizer(string modelsDirectory) : IAsyncDisposable
{
    private readonly int _port = FreePort.Next();
    private LoopbackHost? _host;

    public Uri Address => new($"http://127.0.0.1:{_port}");

    public static async Task<RestartableTokenizer> StartAsync(string modelsDirectory, CancellationToken cancellationToken)
    {
        var tokenizer = new RestartableTokenizer(modelsDirectory);
        await tokenizer.RestartAsync(cancellationToken);
        return tokenizer;
    }

    /// <summary>Starts the host (again) and waits until it is SERVING.</summary>
    public async Task RestartAsync(CancellationToken cancellationToken)
    {
        _host = await TokenizerHost.StartAsync(
            modelsDirectory, [$"--Hosting:GrpcAddress=127.0.0.1:{_port}", "--Hosting:ShutdownTimeout=00:00:00.200"], cancellationToken);
        await _host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(60), cancellationToken);
    }

    /// <summary>Stops the host; its open streams are cut.</summary>
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync());
}
