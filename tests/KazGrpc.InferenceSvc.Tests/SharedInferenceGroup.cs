namespace KazGrpc.InferenceSvc.Tests;

[CollectionDefinition(Name)]
public sealed class SharedInferenceGroup : ICollectionFixture<SharedInferenceFixture>
{
    public const string Name = "inference-svc";
}
