using Grpc.Core;
using KazGrpc.Bench.Echo.V1;
using KazGrpc.Client;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Bench.Echo;

/// <summary>
/// The echo with inference-svc's tokenizer hop and nothing else of it: each call's text is first
/// tokenized through tokenizer-svc by the same <see cref="TokenizerClient"/> inference-svc uses
/// (Polly pipeline, multiplexed long-lived TokenizeStream), then answered as the bare echo answers.
/// No validation, interceptor, batcher or model: what this costs beyond the bare echo is the hop.
/// </summary>
internal sealed class HopEchoServer(TokenizerClient tokenizer, HopEchoSettings settings) : EchoService.EchoServiceBase
{
    public override async Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        var tokenize = new TokenizeRequest { Tokenizer = settings.Tokenizer, AddSpecialTokens = true };
        tokenize.Texts.Add(request.Text);
        var tokens = await tokenizer.TokenizeAsync(tokenize, context.CancellationToken);

        // The token count fills the reply, so the caller sees that the hop happened.
        return EchoServer.Reply(request.ReplyFloats, tokens.Results[0].Ids.Count);
    }
}

/// <summary>The tokenizer <see cref="HopEchoServer"/> asks for.</summary>
internal sealed record HopEchoSettings(string Tokenizer);
