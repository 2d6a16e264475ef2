namespace KazGrpc.InferenceSvc.Tests;

/// <summary>
/// The one tokenizer-svc process that every in-process inference-svc of this assembly calls (an
/// assembly fixture), over the models directory of <see cref="InferenceModels"/>, whose minilm
/// directory brings the tokenizer that the models need. Only the outage drills start their own.
/// </summary>
public sealed class TokenizerProcessFixture : IAsyncLifetime
{
    private readonly TempDirectory _models = new();
    private TokenizerProcess? _tokenizer;

    /// <summary>The models directory, for inference hosts to serve as it is.</summary>
    public string ModelsDirectory => _models.Path;

    public Uri Address => _tokenizer?.Address ?? throw new InvalidOperationException("the fixture has not started");

    public async ValueTask InitializeAsync()
    {
        InferenceModels.Write(_models.Path);
        _tokenizer = new TokenizerProcess(_models.Path);
        await _tokenizer.StartAsync(TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_tokenizer is not null)
        {
            await _tokenizer.DisposeAsync();
        }

        _models.Dispose();
    }
}
