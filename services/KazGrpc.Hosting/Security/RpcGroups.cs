namespace KazGrpc.Hosting.Security;

/// <summary>
/// The RPC groups that grants may name without defining them (<c>Auth:RpcGroups</c> adds more, or
/// replaces one of these): <c>models</c> (ListModels, GetModel), <c>embed</c> (Embed),
/// <c>generate</c> (Generate, Complete, Abort), <c>inference</c> (all of InferenceService) and
/// <c>tokenize</c> (all of TokenizerService).
/// </summary>
public static class RpcGroups
{
    private const string Inference = "kazgrpc.inference.v1.InferenceService";
    private const string Tokenizer = "kazgrpc.tokenizer.v1.TokenizerService";

    /// <summary>The built-in groups by name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> BuiltIn { get; } = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
    {
        ["models"] = [$"{Inference}/ListModels", $"{Inference}/GetModel"],
        ["embed"] = [$"{Inference}/Embed"],
        ["generate"] = [$"{Inference}/Generate", $"{Inference}/Complete", $"{Inference}/Abort"],
        ["inference"] = [$"{Inference}/*"],
        ["tokenize"] = [$"{Tokenizer}/*"],
    };
}
