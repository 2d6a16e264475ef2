using Grpc.Core;
using KazGrpc.Bench.Echo.V1;
using KazGrpc.Client;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Bench.Echo;

/// <summary>
/// The echo: no validation, interceptor, batcher or model, only the reply. With a <see cref="Hop"/>,
/// each call first tokenizes its text through tokenizer-svc with the <see cref="TokenizerClient"/>
/// inference-svc uses, so that what it costs beyond the bare echo is that hop.
/// </summary>
internal sealed class EchoServer(EchoServer.Hop? hop = null) : EchoService.EchoServiceBase
{
    /// <summary>Most floats one reply may carry (a 1 MiB vector is far beyond any embedding).</summary>
    private const int MaxReplyFloats = 1 << 18;

    public override async Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        // The reply is filled with the text's length, or its token count: the caller can see that the hop happened.
        var fill = request.Text.Length;
        if (hop is not null)
        {
            var tokenize = new TokenizeRequest { Tokenizer = hop.Tokenizer, AddSpecialTokens = true, Texts = { request.Text } };
            fill = (await hop.Client.TokenizeAsync(tokenize, context.CancellationToken)).Results[0].Ids.Count;
        }

        // A fresh array per call, as Embed allocates each vector before it copies it into the reply.
        var values = new float[Math.Min(request.ReplyFloats, MaxReplyFloats)];
        values.AsSpan().Fill(fill);
        return new EchoResponse { Values = { values } };
    }

    /// <summary>The tokenizer hop: the client and the tokenizer it asks for.</summary>
    internal sealed record Hop(TokenizerClient Client, string Tokenizer);
}
