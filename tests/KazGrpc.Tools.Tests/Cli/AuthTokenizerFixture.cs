using KazGrpc.TokenizerSvc.Testing;

namespace KazGrpc.Tools.Tests.Cli;

/// <summary>A tokenizer-svc with auth on and one caller, granted tokenize, serving the built-in encodings.</summary>
public sealed class AuthTokenizerFixture : TokenizerHostFixture
{
    /// <summary>The caller's key, as `kazgrpc keys new` would make it.</summary>
    public const string Key = "kzg_Cli7estKey-uVx3_nQ9rTfW2yLm8pZs4b";

    /// <summary>The gRPC address, http://127.0.0.1:PORT.</summary>
    public string Address => Host.GrpcAddress.ToString();

    protected override IEnumerable<TestCaller> TestCallers => [new TestCaller("cli", [Key], ["tokenize"], [])];
}
