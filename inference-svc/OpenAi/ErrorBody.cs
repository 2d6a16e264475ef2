namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>What went wrong: the message names the parameter (with OpenAI's names), the rule and the value.</summary>
internal sealed record ErrorBody(string Message, string Type, string? Param, string? Code);
