using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Hosting.Security;

namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>With auth off (the default) calls need no credential, and each is the caller
/// <c>anonymous</c> in its audit line; the audit follows the default log level then, so it is asked for.</summary>
public sealed class AnonymousAuditTests(TokenizerProcessFixture tokenizer)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Embed_AuthOff_ServedAndAuditedAsAnonymous()
    {
        await using var host = await InferenceHost.StartAsync(
            tokenizer, Token, $"--Logging:LogLevel:{AuditLog.Category}=Information", $"--Logging:Console:LogLevel:{AuditLog.Category}=None");

        var response = await host.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { "Өтініш қабылданды." }, RequestId = "anonymous-audit" }, cancellationToken: Token);

        var line = await AuditLines.WaitForAsync(host.Logs, "anonymous-audit", Token);

        Assert.Equal(("anonymous", "kazgrpc.inference.v1.InferenceService/Embed", "minilm", "OK"), (
            line.GetProperty("caller").GetString(), line.GetProperty("rpc").GetString(), line.GetProperty("model").GetString(), line.GetProperty("status").GetString()));
        Assert.Equal((int)response.Usage.PromptTokens, line.GetProperty("prompt_tokens").GetInt32());
    }
}
