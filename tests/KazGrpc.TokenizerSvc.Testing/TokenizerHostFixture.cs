using Grpc.Health.V1;

namespace KazGrpc.TokenizerSvc.Testing;

/// <summary>
/// A tokenizer-svc in this process, SERVING its built-in encodings, with the settings a suite's fixture
/// names (<see cref="Settings"/>); with <see cref="TestCallers"/>, auth is on for them, in a
/// <see cref="CallersFile"/> a test may rewrite while the host runs.
/// </summary>
public abstract class TokenizerHostFixture : IAsyncLifetime
{
    private readonly TempDirectory _models = new();
    private LoopbackHost? _host;

    public CallersFile Callers { get; } = new();

    public LoopbackHost Host => _host ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>The callers the host starts with; null (the default) leaves auth off.</summary>
    protected virtual IEnumerable<TestCaller>? TestCallers => null;

    /// <summary>Settings besides the callers file's (<c>--Section:Key=value</c>).</summary>
    protected virtual IEnumerable<string> Settings => [];

    public async ValueTask InitializeAsync()
    {
        IEnumerable<string> settings = Settings;
        if (TestCallers is { } callers)
        {
            Callers.Write(callers);
            settings = [.. Callers.Settings, .. settings];
        }

        _host = await TokenizerHost.StartAsync(_models.Path, settings, TestContext.Current.CancellationToken);
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
