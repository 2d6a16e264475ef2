namespace KazGrpc.Tools.Tests.Cli;

/// <summary>
/// The tests that call tokenizer-svcs with auth or TLS on through the CLI. They run alone, after the
/// other collections, because some set the KAZGRPC_ environment variables that every command reads.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SecuredTokenizerGroup : ICollectionFixture<AuthTokenizerFixture>, ICollectionFixture<TlsTokenizerFixture>
{
    public const string Name = "secured tokenizer-svc";
}
