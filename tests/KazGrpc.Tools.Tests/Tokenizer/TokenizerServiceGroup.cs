using KazGrpc.TokenizerSvc.Testing;

namespace KazGrpc.Tools.Tests.Tokenizer;

/// <summary>The tests that call one tokenizer-svc host through the CLI (<see cref="TokenizerServiceFixture"/>).</summary>
[CollectionDefinition(Name)]
public sealed class TokenizerServiceGroup : ICollectionFixture<TokenizerServiceFixture>
{
    public const string Name = "tokenizer-svc";
}
