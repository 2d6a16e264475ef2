using Grpc.Health.V1;
using Grpc.Net.Client;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Testing;

/// <summary>
/// One real tokenizer-svc in the test process (<see cref="TokenizerHost"/>), SERVING, over a
/// models directory holding the all-MiniLM-L6-v2 vocabulary (<c>minilm</c>) and a Llama 3 style
/// tiktoken model (<c>llama3-test</c>) besides the built-in encodings. A collection fixture: each
/// suite names it in a collection definition of its own.
/// </summary>
public sealed class TokenizerServiceFixture : IAsyncLifetime
{
    private LoopbackHost? _host;

    public string ModelsDirectory { get; } = Directory.CreateTempSubdirectory("kazgrpc-models-").FullName;

    public LoopbackHost Host => _host ?? throw new InvalidOperationException("the fixture has not started");

    public Uri Address => Host.GrpcAddress;

    public Uri MetricsAddress => Host.MetricsAddress;

    public GrpcChannel Channel => Host.Channel;

    public TokenizerService.TokenizerServiceClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        TokenizerModels.WriteMiniLm(Path.Combine(ModelsDirectory, "minilm"));
        TokenizerModels.WriteLlama3(Path.Combine(ModelsDirectory, "llama3-test"));
        _host = await TokenizerHost.StartAsync(ModelsDirectory, TestContext.Current.CancellationToken);
        Client = new TokenizerService.TokenizerServiceClient(_host.Channel);
        await _host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        Directory.Delete(ModelsDirectory, recursive: true);
    }
}
