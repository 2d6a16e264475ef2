using Google.Rpc;
using Grpc.Core;
using KazGrpc.Core;

namespace KazGrpc.InferenceSvc.Tokenizer;

/// <summary>
/// Turns a failed tokenizer call into the domain error the caller of inference-svc gets, so that no
/// <see cref="RpcException"/> crosses the hop: what was wrong with the caller's texts stays
/// INVALID_ARGUMENT (with the tokenizer's field violations renamed to the Embed request's fields),
/// an unreachable, overloaded or slow tokenizer is UNAVAILABLE, RESOURCE_EXHAUSTED or
/// DEADLINE_EXCEEDED, and anything else is an execution failure of inference-svc.
/// </summary>
internal static class TokenizerErrors
{
    /// <summary>The domain error for <paramref name="error"/>, raised by the tokenizer <paramref name="tokenizer"/> at
    /// <paramref name="address"/> while serving model <paramref name="model"/>.</summary>
    public static KazGrpcException ToDomain(RpcException error, string tokenizer, string model, Uri address)
    {
        var detail = error.Status.Detail;
        return error.StatusCode switch
        {
            StatusCode.InvalidArgument => new RequestValidationException(Violations(error)),
            StatusCode.NotFound => new NotReadyException(
                $"model '{model}' needs tokenizer '{tokenizer}', which tokenizer-svc at {address} does not have: {detail}"),
            StatusCode.ResourceExhausted => new OverloadedException($"the tokenizer (tokenizer-svc at {address}) is out of resources for this request: {detail}", RetryAfter(error)),
            StatusCode.DeadlineExceeded => new DeadlineExceededException($"the tokenizer (tokenizer-svc at {address}) did not answer in time: {detail}"),
            StatusCode.Unavailable or StatusCode.Cancelled => new NotReadyException(detail.Contains(address.ToString(), StringComparison.Ordinal)
                ? detail
                : $"the tokenizer (tokenizer-svc at {address}) is unreachable: {detail}"),
            _ => new ExecutionFailedException($"the tokenizer (tokenizer-svc at {address}) failed with {error.StatusCode}: {detail}", error),
        };
    }

    /// <summary>The tokenizer's field violations in the Embed request's terms: <c>texts</c> is <c>inputs</c> there.</summary>
    private static List<FieldViolation> Violations(RpcException error)
    {
        var rich = error.GetRpcStatus()?.GetDetail<BadRequest>();
        var violations = rich?.FieldViolations.Select(v => new FieldViolation(Rename(v.Field), Rename(v.Description))).ToList() ?? [];
        if (violations.Count == 0)
        {
            violations.Add(new FieldViolation("inputs", Rename(error.Status.Detail)));
        }

        return violations;
    }

    private static string Rename(string text) => text == "texts"
        ? "inputs"
        : text.Replace("texts[", "inputs[", StringComparison.Ordinal).Replace("`texts`", "`inputs`", StringComparison.Ordinal);

    private static TimeSpan RetryAfter(RpcException error) =>
        error.GetRpcStatus()?.GetDetail<RetryInfo>()?.RetryDelay?.ToTimeSpan() is { } delay && delay > TimeSpan.Zero ? delay : TimeSpan.FromSeconds(1);
}
