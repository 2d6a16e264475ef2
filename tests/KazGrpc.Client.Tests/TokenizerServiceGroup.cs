namespace KazGrpc.Client.Tests;

/// <summary>The tests that share one tokenizer-svc host (<see cref="TokenizerServiceFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class TokenizerServiceGroup : ICollectionFixture<TokenizerServiceFixture>
{
    public const string Name = "tokenizer-svc";
}
