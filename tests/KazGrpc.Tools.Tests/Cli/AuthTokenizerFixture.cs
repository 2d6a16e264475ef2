using Grpc.Health.V1;
using KazGrpc.TokenizerSvc.Testing;

namespace KazGrpc.Tools.Tests.Cli;

/// <summary>A tokenizer-svc with auth on and one caller, granted tokenize, serving the built-in encodings.</summary>
public sealed class AuthTokenizerFixture : IAsyncLifetime
{
    /// <summary>The caller's key, as `kazgrpc keys new` would make it.</summary>
    public const string Key = "kzg_Cli7estKey-uVx3_nQ9rTfW2yLm8pZs4b";

    private readonly TempDirectory _models = new();
    private LoopbackHost? _host;

    public CallersFile Callers { get; } = new();

    public LoopbackHost Host => _host ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>The gRPC address, http://127.0.0.1:PORT.</summary>
    public string Address => Host.GrpcAddress.ToString();

    public async ValueTask InitializeAsync()
    {
        Callers.Write([new TestCaller("cli", [Key], ["tokenize"], [])]);
        _host = await TokenizerHost.StartAsync(_models.Path, Callers.Settings, TestContext.Current.CancellationToken);
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
    }
}
