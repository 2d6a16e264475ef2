namespace KazGrpc.Tokenization;

/// <summary>A control token: its spelling and id.</summary>
/// <param name="Content">Spelling, e.g. <c>&lt;|eot_id|&gt;</c>.</param>
/// <param name="Id">Token id.</param>
public readonly record struct SpecialToken(string Content, int Id);
