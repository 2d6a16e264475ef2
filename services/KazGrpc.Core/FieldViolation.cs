namespace KazGrpc.Core;

/// <summary>One rule a request broke: the field's path (e.g. <c>texts[3]</c>) and a sentence that
/// names the rule and the value given.</summary>
/// <param name="Field">Path of the offending field, in the contract's snake_case names.</param>
/// <param name="Description">The rule and the value, e.g. "`top_p` must be in (0, 1]; got 1.5".</param>
public readonly record struct FieldViolation(string Field, string Description);
