namespace KazGrpc.InferenceSvc.Tests;

/// <summary>One inference-svc with the default settings, shared by the tests that do not disturb it.</summary>
public sealed class SharedInferenceFixture(TokenizerProcessFixture tokenizer) : IAsyncLifetime
{
    private InferenceHost? _host;

    public InferenceHost Host => _host ?? throw new InvalidOperationException("the fixture has not started");

    public async ValueTask InitializeAsync() => _host = await InferenceHost.StartAsync(tokenizer, TestContext.Current.CancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
