namespace KazGrpc.InferenceSvc.Tests.Embeddings;

/// <summary>
/// A tokenizer-svc process and an inference-svc of their own over one model, <c>e5-tiny</c>
/// (<see cref="MultilingualEncoder"/>: the forge's XLM-RoBERTa-class encoder and a SentencePiece
/// model trained at set-up, with E5's prefixes), as a multilingual-e5 export is served.
/// </summary>
public sealed class MultilingualFixture : IAsyncLifetime
{
    public const string Model = "e5-tiny";

    private readonly TempDirectory _models = new();
    private TokenizerProcess? _tokenizer;
    private InferenceHost? _host;

    public InferenceHost Host => _host ?? throw new InvalidOperationException("the fixture has not started");

    public Uri TokenizerAddress => _tokenizer?.Address ?? throw new InvalidOperationException("the fixture has not started");

    public async ValueTask InitializeAsync()
    {
        MultilingualEncoder.Write(_models.Combine(Model));
        _tokenizer = new TokenizerProcess(_models.Path);
        await _tokenizer.StartAsync(TestContext.Current.CancellationToken);
        _host = await InferenceHost.StartAsync(_tokenizer.Address, _models.Path, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_tokenizer is not null)
        {
            await _tokenizer.DisposeAsync();
        }

        _models.Dispose();
    }
}
