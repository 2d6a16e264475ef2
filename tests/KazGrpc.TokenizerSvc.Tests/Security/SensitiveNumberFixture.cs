using Grpc.Core.Interceptors;
using Grpc.Health.V1;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Tests.Security;

/// <summary>A tokenizer-svc with auth on and three callers, one per policy for identification and phone numbers.</summary>
public sealed class SensitiveNumberFixture : IAsyncLifetime
{
    private readonly TempDirectory _models = new();
    private LoopbackHost? _host;

    public CallersFile Callers { get; } = new();

    public LoopbackHost Host => _host ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>A client calling as the caller whose policy is <paramref name="policy"/> (<c>Allow</c>, <c>Mask</c>, <c>Reject</c>).</summary>
    public TokenizerService.TokenizerServiceClient As(string policy) => new(Host.Channel.Intercept(metadata =>
    {
        metadata.Add("x-api-key", Key(policy));
        return metadata;
    }));

    public async ValueTask InitializeAsync()
    {
        Callers.Write(new[] { "Allow", "Mask", "Reject" }.Select(p => new TestCaller(p.ToLowerInvariant(), [Key(p)], ["*"], ["*"], SensitiveNumbers: p)));
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

    private static string Key(string policy) => $"kzg_policy-{policy.ToLowerInvariant()}";
}
