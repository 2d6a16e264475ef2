using Grpc.Core;
using KazGrpc.Bench.Echo.V1;

namespace KazGrpc.Bench.Echo;

/// <summary>The bare echo: no validation, no interceptor, no work beyond allocating and sending the reply.</summary>
internal sealed class EchoServer : EchoService.EchoServiceBase
{
    /// <summary>Most floats one reply may carry (a 1 MiB vector is far beyond any embedding).</summary>
    private const int MaxReplyFloats = 1 << 18;

    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(Reply(request.ReplyFloats, request.Text.Length));

    /// <summary>The reply: <paramref name="replyFloats"/> floats (at most 2^18), each <paramref name="fill"/>.</summary>
    internal static EchoResponse Reply(uint replyFloats, float fill)
    {
        // A fresh array per call, as Embed allocates each vector before it copies it into the reply.
        var values = new float[Math.Min(replyFloats, MaxReplyFloats)];
        values.AsSpan().Fill(fill);
        var response = new EchoResponse();
        response.Values.Add(values);
        return response;
    }
}
