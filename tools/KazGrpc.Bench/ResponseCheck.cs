using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Bench;

/// <summary>Checks that a response answers its request, so that a broken service cannot look fast.</summary>
internal static class ResponseCheck
{
    /// <summary>Total ids of <paramref name="response"/>; throws when it failed or holds the wrong number of results.</summary>
    public static long Tokens(TokenizeResponse response, int texts)
    {
        if (response.Error is { } error)
        {
            throw new InvalidOperationException($"request '{response.RequestId}' failed with status {error.Code}: {error.Message}");
        }

        if (response.Results.Count != texts)
        {
            throw new InvalidOperationException($"request '{response.RequestId}' sent {texts} texts but got {response.Results.Count} results");
        }

        long tokens = 0;
        foreach (var result in response.Results)
        {
            if (result.Ids.Count == 0)
            {
                throw new InvalidOperationException($"request '{response.RequestId}' got a result without ids for a non-empty text");
            }

            tokens += result.Ids.Count;
        }

        return tokens;
    }
}
