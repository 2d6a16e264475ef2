namespace KazGrpc.TokenizerSvc.Tests.Grpc;

/// <summary>The tests that share one <see cref="SmallLimitsFixture"/>.</summary>
[CollectionDefinition(Name)]
public sealed class SmallLimitsGroup : ICollectionFixture<SmallLimitsFixture>
{
    public const string Name = "tokenizer-svc with small limits";
}
