using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Generation;

/// <summary>Every bad Generate request gets a precise status naming the field, the rule and the value.</summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class GenerateValidationTests(SharedInferenceFixture fixture)
{
    private InferenceService.InferenceServiceClient Client => fixture.Host.Client;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static GenerateRequest Request(Action<GenerationParameters>? parameters = null)
    {
        var request = new GenerateRequest { Model = "kaz-tiny", Prompt = "Сәлем", Parameters = new GenerationParameters { MaxNewTokens = 4 } };
        parameters?.Invoke(request.Parameters);
        return request;
    }

    public static TheoryData<string, GenerateRequest, string, string> Invalid => new()
    {
        { "max_new_tokens 0", Request(p => p.MaxNewTokens = 0), "parameters.max_new_tokens", "`parameters.max_new_tokens` must be >= 1; got 0" },
        { "temperature 2.5", Request(p => p.Temperature = 2.5f), "parameters.temperature", "`parameters.temperature` must be finite and in [0, 2]; got 2.5" },
        { "temperature NaN", Request(p => p.Temperature = float.NaN), "parameters.temperature", "`parameters.temperature` must be finite and in [0, 2]; got NaN" },
        { "top_p 1.5", Request(p => p.TopP = 1.5f), "parameters.top_p", "`parameters.top_p` must be in (0, 1]; got 1.5" },
        { "top_p 0", Request(p => p.TopP = 0), "parameters.top_p", "`parameters.top_p` must be in (0, 1]; got 0" },
        { "min_p -0.1", Request(p => p.MinP = -0.1f), "parameters.min_p", "`parameters.min_p` must be in [0, 1]; got -0.1" },
        { "repetition_penalty 0", Request(p => p.RepetitionPenalty = 0), "parameters.repetition_penalty", "`parameters.repetition_penalty` must be finite and > 0; got 0" },
        { "presence_penalty 3", Request(p => p.PresencePenalty = 3), "parameters.presence_penalty", "`parameters.presence_penalty` must be in [-2, 2]; got 3" },
        { "frequency_penalty -2.5", Request(p => p.FrequencyPenalty = -2.5f), "parameters.frequency_penalty", "`parameters.frequency_penalty` must be in [-2, 2]; got -2.5" },
        { "logit_bias id", Request(p => p.LogitBias.Add(300_000, 1)), "parameters.logit_bias[300000]", "must be keyed by a token id in [0, 200,019); got 300000" },
        { "logit_bias value", Request(p => p.LogitBias.Add(5, 101)), "parameters.logit_bias[5]", "`parameters.logit_bias[5]` must be in [-100, 100]; got 101" },
        { "min_new_tokens", Request(p => p.MinNewTokens = 5), "parameters.min_new_tokens", "`parameters.min_new_tokens` must be <= max_new_tokens (4); got 5" },
        { "nine stops", Request(p => p.Stop.Add(Enumerable.Range(0, 9).Select(i => $"s{i}"))), "parameters.stop", "`parameters.stop` must be at most 8 strings; got 9" },
        { "empty stop", Request(p => p.Stop.Add("")), "parameters.stop[0]", "`parameters.stop[0]` must be non-empty; got an empty string" },
        { "long stop", Request(p => p.Stop.Add(new string('ә', 129))), "parameters.stop[0]", "`parameters.stop[0]` must be at most 256 bytes; got 258 bytes" },
        { "logprobs 21", Request(p => p.Logprobs = 21), "parameters.logprobs", "`parameters.logprobs` must be <= 20; got 21" },
        { "stop_token_ids", Request(p => p.StopTokenIds.Add(200_019)), "parameters.stop_token_ids[0]", "must be a token id in [0, 200,019); got 200019" },
        { "no input", new GenerateRequest { Model = "kaz-tiny" }, "prompt", "exactly one of `prompt`, `messages` and `token_ids` must be set; got none (an empty prompt is none)" },
        { "two inputs", new GenerateRequest { Model = "kaz-tiny", Prompt = "x", TokenIds = { 1 } }, "token_ids", "exactly one of `prompt`, `messages` and `token_ids` must be set; got prompt and token_ids" },
        { "token id", new GenerateRequest { Model = "kaz-tiny", TokenIds = { 1, 250_000 } }, "token_ids[1]", "`token_ids[1]` must be a token id in [0, 200,019); got 250000" },
        { "embedding model", new GenerateRequest { Model = "minilm", Prompt = "x" }, "model", "`model` 'minilm' is an embedding model; Generate needs a generation model (kaz-tiny)" },
        { "request id", new GenerateRequest { Model = "kaz-tiny", Prompt = "x", RequestId = new string('r', 129) }, "request_id", "`request_id` must be at most 128 bytes; got 129" },
        { "priority", new GenerateRequest { Model = "kaz-tiny", Prompt = "x", Priority = 3 }, "priority", "`priority` must be in [0, 2] (1 is the highest, 0 the default); got 3" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public async Task Generate_InvalidRequest_InvalidArgumentNamingFieldRuleAndValue(string label, GenerateRequest request, string field, string words)
    {
        Assert.NotEmpty(label);
        await RpcAssert.InvalidArgumentAsync(() => Client.CompleteAsync(request, cancellationToken: Token).ResponseAsync, field, words);
    }

    [Fact]
    public async Task Generate_PromptAndMaxNewBeyondTheContext_InvalidArgumentWithBothNumbers()
    {
        var request = new GenerateRequest { Model = "kaz-tiny", Parameters = new GenerationParameters { MaxNewTokens = 100 } };
        request.TokenIds.Add(Enumerable.Range(0, 2000).Select(i => (uint)(i % 5000)));

        await RpcAssert.InvalidArgumentAsync(() => Client.CompleteAsync(request, cancellationToken: Token).ResponseAsync,
            "parameters.max_new_tokens", "prompt has 2,000 tokens and max_new_tokens is 100; together they must be <= 2,048");
    }

    [Fact]
    public async Task Generate_UnknownModel_NotFoundListingTheModels()
    {
        await RpcAssert.ThrowsAsync(StatusCode.NotFound,
            () => Client.CompleteAsync(new GenerateRequest { Model = "kazllm-8b", Prompt = "x" }, cancellationToken: Token).ResponseAsync,
            "model 'kazllm-8b' was not found; available: identity, kaz-tiny, minilm");
    }

    [Fact]
    public async Task Generate_StreamedInvalidRequest_FailsTheStreamWithInvalidArgument()
    {
        using var call = Client.Generate(Request(p => p.TopP = 2), cancellationToken: Token);

        await RpcAssert.InvalidArgumentAsync(() => call.ResponseStream.MoveNext(Token), "parameters.top_p", "`parameters.top_p` must be in (0, 1]; got 2");
    }
}
