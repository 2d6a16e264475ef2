using Google.Rpc;
using Grpc.Core;
using Xunit;

namespace KazGrpc.Testing;

/// <summary>Assertions on gRPC status: the code, the words of the message, the rich details.</summary>
public static class RpcAssert
{
    /// <summary>Asserts that <paramref name="call"/> fails with <paramref name="code"/> and a message containing every word.</summary>
    public static async Task<RpcException> ThrowsAsync(StatusCode code, Func<Task> call, params string[] words)
    {
        var error = await Assert.ThrowsAsync<RpcException>(call);
        Assert.True(code == error.StatusCode, $"expected {code}, got {error.StatusCode}: {error.Status.Detail}");
        foreach (var word in words)
        {
            Assert.Contains(word, error.Status.Detail, StringComparison.Ordinal);
        }

        return error;
    }

    /// <summary>Asserts an INVALID_ARGUMENT whose BadRequest names <paramref name="field"/> and whose message has the words.</summary>
    public static async Task InvalidArgumentAsync(Func<Task> call, string field, params string[] words)
    {
        var error = await ThrowsAsync(StatusCode.InvalidArgument, call, words);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Contains(badRequest.FieldViolations, v => v.Field == field);
    }
}
