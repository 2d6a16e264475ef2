using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client;

/// <summary>
/// The rules by which concurrent Tokenize requests share one message, for the layers that merge
/// (<see cref="TokenizeCoalescer"/> above the Polly pipeline, <see cref="TokenizeStreamMultiplexer"/>
/// on the stream): which requests may share, how big a share may grow, and how an answer is split back.
/// </summary>
internal static class TokenizeMerging
{
    /// <summary>Bytes of text of <paramref name="request"/>: UTF-16 length × 3, an upper bound of its UTF-8.</summary>
    public static long TextBytes(TokenizeRequest request)
    {
        long bytes = 0;
        foreach (var text in request.Texts)
        {
            bytes += text.Length;
        }

        return bytes * 3;
    }

    /// <summary>
    /// Whether <paramref name="next"/> asks the same of the same tokenizer as <paramref name="first"/>:
    /// every TokenizeRequest field but texts and request_id (a field added to the message must be added
    /// here, which a test checks).
    /// </summary>
    public static bool AskSame(TokenizeRequest first, TokenizeRequest next) =>
        first.AddSpecialTokens == next.AddSpecialTokens && first.ReturnOffsets == next.ReturnOffsets && first.MaxTokens == next.MaxTokens
        && first.AllowSpecialTokens == next.AllowSpecialTokens && string.Equals(first.Tokenizer, next.Tokenizer, StringComparison.Ordinal);

    /// <summary>Whether a request of <paramref name="texts"/> texts and <paramref name="bytes"/> bytes fits beside
    /// a message that has <paramref name="messageTexts"/> and <paramref name="messageBytes"/> so far.</summary>
    public static bool Fits(int messageTexts, long messageBytes, int texts, long bytes, int maxTexts, long maxBytes) =>
        maxTexts > 1 && messageTexts + texts <= maxTexts && messageBytes + bytes <= maxBytes;

    /// <summary>
    /// Splits the answer to a merged message back into one answer per request, in order, each with
    /// its own request id; throws INTERNAL when the answer does not hold one result per text.
    /// </summary>
    public static TokenizeResponse[] Split(TokenizeResponse response, IReadOnlyList<TokenizeRequest> requests)
    {
        var expected = requests.Sum(r => r.Texts.Count);
        if (response.Results.Count != expected)
        {
            throw new RpcException(new Status(StatusCode.Internal,
                $"tokenizer-svc answered {response.Results.Count} results to a request of {expected} texts"));
        }

        var shares = new TokenizeResponse[requests.Count];
        var next = 0;
        for (var r = 0; r < requests.Count; r++)
        {
            var share = new TokenizeResponse { RequestId = requests[r].RequestId };
            for (var i = 0; i < requests[r].Texts.Count; i++)
            {
                share.Results.Add(response.Results[next++]);
            }

            shares[r] = share;
        }

        return shares;
    }
}
