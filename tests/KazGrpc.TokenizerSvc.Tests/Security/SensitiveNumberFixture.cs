using Grpc.Core.Interceptors;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Tests.Security;

/// <summary>A tokenizer-svc with auth on and three callers, one per policy for identification and phone numbers.</summary>
public sealed class SensitiveNumberFixture : TokenizerHostFixture
{
    /// <summary>A client calling as the caller whose policy is <paramref name="policy"/> (<c>Allow</c>, <c>Mask</c>, <c>Reject</c>).</summary>
    public TokenizerService.TokenizerServiceClient As(string policy) => new(Host.Channel.Intercept(metadata =>
    {
        metadata.Add("x-api-key", Key(policy));
        return metadata;
    }));

    protected override IEnumerable<TestCaller> TestCallers =>
        new[] { "Allow", "Mask", "Reject" }.Select(p => new TestCaller(p.ToLowerInvariant(), [Key(p)], ["*"], ["*"], SensitiveNumbers: p));

    private static string Key(string policy) => $"kzg_policy-{policy.ToLowerInvariant()}";
}
