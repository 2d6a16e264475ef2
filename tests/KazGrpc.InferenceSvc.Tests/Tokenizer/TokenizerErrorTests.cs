using Google.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.ModelForge;

namespace KazGrpc.InferenceSvc.Tests.Tokenizer;

/// <summary>
/// What a caller of inference-svc gets when the real tokenizer-svc refuses the hop: a tokenizer-svc of
/// this class's own with small limits (a text of at most 256 bytes, a message of at most 4 KiB) over a
/// models directory with one model whose tokenizer it does not have.
/// </summary>
public sealed class TokenizerErrorTests(TokenizerErrorTests.Services services) : IClassFixture<TokenizerErrorTests.Services>
{
    private InferenceHost Host => services.Host;

    private TokenizerProcess Tokenizer => services.Tokenizer;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Embed_TextOverTheTokenizersLimit_InvalidArgumentNamingTheInputAndStillServing()
    {
        var request = new EmbedRequest { Model = "minilm", Inputs = { "Сәлем", new string('a', 300) } };

        var error = await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () => Host.Client.EmbedAsync(request, cancellationToken: Token).ResponseAsync,
            "`inputs[1]` must be at most 256 bytes of UTF-8; got 300");

        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>().FieldViolations);
        Assert.Equal("inputs[1]", violation.Field);
        await AssertServingAsync();
    }

    [Fact]
    public async Task Embed_MessageOverTheTokenizersReceiveLimit_ResourceExhaustedWithRetryInfoThenServesAgain()
    {
        // 200 texts of 30 bytes each: every text within the tokenizer's limit, the message not.
        var request = new EmbedRequest { Model = "minilm" };
        request.Inputs.Add(Enumerable.Repeat("Өтініш қабылданды, рақмет.", 200));

        var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted, () => Host.Client.EmbedAsync(request, cancellationToken: Token).ResponseAsync,
            $"the tokenizer (tokenizer-svc at {Tokenizer.Address}) is out of resources for this request");

        var retry = error.GetRpcStatus()!.GetDetail<RetryInfo>();
        Assert.True(retry.RetryDelay.ToTimeSpan() > TimeSpan.Zero);
        await AssertServingAsync();
    }

    [Fact]
    public async Task GetModel_ModelWhoseTokenizerIsMissing_FailedWithTheReason_AndEmbedUnavailableNamingIt_OthersServe()
    {
        // The runtime warms the model up through the hop; tokenizer-svc answers NOT_FOUND.
        var request = new GetModelRequest { Name = "orphan" };
        var info = await Host.Client.GetModelAsync(request, cancellationToken: Token);
        for (var tries = 0; info.StateReason.Length == 0 && tries < 300; tries++)
        {
            await Task.Delay(100, Token);
            info = await Host.Client.GetModelAsync(request, cancellationToken: Token);
        }

        Assert.Equal(ModelState.Failed, info.State);
        Assert.Contains("model 'orphan' needs tokenizer 'missing', which tokenizer-svc", info.StateReason, StringComparison.Ordinal);
        Assert.Contains("tokenizer 'missing' was not found", info.StateReason, StringComparison.Ordinal);

        await RpcAssert.ThrowsAsync(StatusCode.Unavailable,
            () => Host.Client.EmbedAsync(new EmbedRequest { Model = "orphan", Inputs = { "Сәлем" } }, cancellationToken: Token).ResponseAsync,
            "model 'orphan' failed: warm-up failed, retrying", "needs tokenizer 'missing'");
        await AssertServingAsync();
    }

    /// <summary>The other models still serve, and health stays SERVING: the caller's mistake is not the tokenizer's outage.</summary>
    private async Task AssertServingAsync()
    {
        var response = await Host.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем, әлем!" } }, cancellationToken: Token);
        Assert.Single(response.Embeddings);
        await Host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(1), Token);
    }

    /// <summary>The tokenizer-svc with small limits and the inference-svc that calls it, shared by the class's tests.</summary>
    public sealed class Services : IAsyncLifetime
    {
        private readonly TempDirectory _models = new();

        public TokenizerProcess Tokenizer { get; private set; } = null!;

        public InferenceHost Host { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            InferenceModels.Write(_models.Path);
            IdentityEncoder.Write(_models.Combine("orphan"), tokenizer: "missing");
            Tokenizer = new TokenizerProcess(_models.Path, "--Tokenization:MaxTextBytes=256", "--Hosting:MaxReceiveMessageBytes=4096");
            try
            {
                await Tokenizer.StartAsync(TestContext.Current.CancellationToken);
                Host = await InferenceHost.StartAsync(Tokenizer.Address, _models.Path, TestContext.Current.CancellationToken);
            }
            catch
            {
                await DisposeAsync();
                throw;
            }
        }

        public async ValueTask DisposeAsync()
        {
            if (Host is not null)
            {
                await Host.DisposeAsync();
            }

            await Tokenizer.DisposeAsync();
            _models.Dispose();
        }
    }
}
