using Grpc.Core;
using KazGrpc.Bench.Echo.V1;

namespace KazGrpc.Bench.Echo;

/// <summary>The bare echo: no validation, no interceptor, no work beyond allocating and sending the reply.</summary>
internal sealed class EchoServer : EchoService.EchoServiceBase
{
    /// <summary>Most floats one reply may carry (a 1 MiB vector is far beyond any embedding).</summary>
    private const int MaxReplyFloats = 1 << 18;

    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context)
    {
        // A fresh array per call, as Embed allocates each vector before it copies it into the reply.
        var values = new float[Math.Min(request.ReplyFloats, MaxReplyFloats)];
        values.AsSpan().Fill(request.Text.Length);
        var response = new EchoResponse();
        response.Values.Add(values);
        return Task.FromResult(response);
    }
}
