using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client.Tests;

/// <summary>Tokenize requests of many callers, and the check that each caller got its own answer.</summary>
internal static class TokenizeCalls
{
    /// <summary>One request per caller to minilm: a corpus line and a short word, framed, cut at 16
    /// tokens, each with a request id of its own.</summary>
    public static List<TokenizeRequest> Callers(int count) => [.. Corpus.Lines.Take(count).Select((text, i) => new TokenizeRequest
    {
        Tokenizer = "minilm",
        AddSpecialTokens = true,
        MaxTokens = 16,
        RequestId = $"caller-{i}",
        Texts = { text, i % 2 == 0 ? "ok" : "қала" },
    })];

    /// <summary>Asserts that each response carries its request's id and the results that unary Tokenize gives for that request alone.</summary>
    public static async Task AssertEachAsUnaryAsync(
        TokenizerService.TokenizerServiceClient unary, IReadOnlyList<TokenizeRequest> requests, IReadOnlyList<TokenizeResponse> responses, CancellationToken cancellationToken)
    {
        Assert.Equal(requests.Count, responses.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            var alone = await unary.TokenizeAsync(requests[i], cancellationToken: cancellationToken);
            Assert.Equal(requests[i].RequestId, responses[i].RequestId);
            Assert.Equal(alone.Results, responses[i].Results);
        }
    }
}
