using Google.Rpc;
using Grpc.Core;

namespace KazGrpc.InferenceSvc.Tests;

internal static class RpcAssert
{
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

    public static async Task InvalidArgumentAsync(Func<Task> call, string field, params string[] words)
    {
        var error = await ThrowsAsync(StatusCode.InvalidArgument, call, words);
        var badRequest = error.GetRpcStatus()?.GetDetail<BadRequest>();
        Assert.NotNull(badRequest);
        Assert.Contains(badRequest.FieldViolations, v => v.Field == field);
    }
}
