using Grpc.Health.V1;

namespace KazGrpc.TokenizerSvc.Testing;

/// <summary>
/// A tokenizer-svc with auth on, SERVING its built-in encodings, for the callers a suite's fixture
/// names (<see cref="TestCallers"/>) in a <see cref="CallersFile"/> it may rewrite while the host runs.
/// </summary>
public abstract class CallersTokenizerFixture : IAsyncLifetime
{
    private readonly TempDirectory _models = new();
    private LoopbackHost? _host;

    public CallersFile Callers { get; } = new();

    public LoopbackHost Host => _host ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>The callers the host starts with.</summary>
    protected abstract IEnumerable<TestCaller> TestCallers { get; }

    /// <summary>Settings besides the callers file's (<c>--Section:Key=value</c>).</summary>
    protected virtual IEnumerable<string> Settings => [];

    public async ValueTask InitializeAsync()
    {
        Callers.Write(TestCallers);
        _host = await TokenizerHost.StartAsync(_models.Path, [.. Callers.Settings, .. Settings], TestContext.Current.CancellationToken);
        await _host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Callers.Dispose();
        _models.Dispose();
        GC.SuppressFinalize(this);
    }
}
