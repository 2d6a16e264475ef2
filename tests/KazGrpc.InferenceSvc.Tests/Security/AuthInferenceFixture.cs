namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>One inference-svc with auth on, its callers (<see cref="AuthCallers"/>) in a file it
/// reloads, JWTs accepted; its audit lines are collected with its other logs.</summary>
public sealed class AuthInferenceFixture(TokenizerProcessFixture tokenizer) : IAsyncLifetime
{
    private InferenceHost? _host;

    public CallersFile Callers { get; } = new();

    public InferenceHost Host => _host ?? throw new InvalidOperationException("the fixture has not started");

    public async ValueTask InitializeAsync()
    {
        Callers.Write(AuthCallers.Everyone(), jwt: true);
        _host = await InferenceHost.StartAsync(tokenizer, TestContext.Current.CancellationToken, Callers.Settings);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Callers.Dispose();
    }
}

[CollectionDefinition(Name)]
public sealed class AuthInferenceGroup : ICollectionFixture<AuthInferenceFixture>
{
    public const string Name = "inference-svc with auth";
}
