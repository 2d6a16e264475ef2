namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>The callers of <see cref="AuthInferenceFixture"/>'s host, one per concern, so that no test
/// spends another's quota.</summary>
public static class AuthCallers
{
    public const string PortalKey = "kzg_portal-key-one";
    public const string PortalRotatedKey = "kzg_portal-key-two";
    public const string GeneratorKey = "kzg_generator-key";
    public const string EmbedOnlyKey = "kzg_embed-only-key";
    public const string TinyOnlyKey = "kzg_embed-rpc-but-kaz-tiny-only";
    public const string RequestsKey = "kzg_one-request-at-a-time";
    public const string StreamsKey = "kzg_one-stream-at-a-time";
    public const string PromptKey = "kzg_25-prompt-tokens-a-minute";
    public const string GeneratedKey = "kzg_8-generated-tokens-a-minute";
    public const string OpenAiQuotaKey = "kzg_openai-4-generated-tokens-a-minute";
    public const string MaskKey = "kzg_numbers-masked";
    public const string RejectKey = "kzg_numbers-rejected";

    /// <summary>A JWT subject the configuration grants everything.</summary>
    public const string JwtCaller = "jwt-caller";

    private static readonly string[] All = ["*"];

    public static TestCaller[] Everyone(bool withRotatedKey = true) =>
    [
        // Embeds and generates, but only with the embedding models.
        new("egov-portal", withRotatedKey ? [PortalKey, PortalRotatedKey] : [PortalKey], ["models", "embed", "generate"], ["minilm", "identity"]),
        new("generator", [GeneratorKey], ["inference"], All),
        new("embed-only", [EmbedOnlyKey], ["embed", "models"], All),
        // May call Embed, but no embedding model: what such a call learns of minilm is the grant refusal.
        new("tiny-only", [TinyOnlyKey], ["embed", "models"], ["kaz-tiny"]),
        new(JwtCaller, [], All, All),
        new("q-requests", [RequestsKey], All, All, new Dictionary<string, int> { ["MaxConcurrentRequests"] = 1 }),
        new("q-streams", [StreamsKey], All, All, new Dictionary<string, int> { ["MaxConcurrentStreams"] = 1 }),
        new("q-prompt", [PromptKey], All, All, new Dictionary<string, int> { ["PromptTokensPerMinute"] = 25 }),
        new("q-generated", [GeneratedKey], All, All, new Dictionary<string, int> { ["GeneratedTokensPerMinute"] = 8 }),
        new("openai-quota", [OpenAiQuotaKey], All, All, new Dictionary<string, int> { ["GeneratedTokensPerMinute"] = 4 }),
        // Identification and phone numbers: masked before the model, or refused.
        new("egov-mask", [MaskKey], All, All, SensitiveNumbers: "Mask"),
        new("egov-reject", [RejectKey], All, All, SensitiveNumbers: "Reject"),
    ];
}
