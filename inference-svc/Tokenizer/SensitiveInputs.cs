using KazGrpc.Text;

namespace KazGrpc.InferenceSvc.Tokenizer;

/// <summary>
/// The sensitive-number policy of a request as inference-svc applies it. The caller's texts are
/// checked here, as the caller sent them, so that a refusal names the caller's own field and the
/// spans it asks for point into its own text (not into the converted, prefixed text the tokenizer
/// gets: conversion and prefixes change letters, never digits or separators, so both find the same
/// numbers). Masking is tokenizer-svc's: it gets the policy with the texts and applies the stricter
/// of it and its own policy for inference-svc.
/// </summary>
internal static class SensitiveInputs
{
    /// <summary>Finds (and under reject refuses) the numbers of <paramref name="texts"/>, the request's
    /// <paramref name="field"/>s by index; the spans, in code points, when <paramref name="wanted"/>, else null.</summary>
    public static IReadOnlyList<(int Index, SensitiveNumberKind Kind, int Start, int End)>? Check(
        IReadOnlyList<string> texts, Func<int, string> field, SensitiveNumberPolicy policy, bool wanted)
    {
        if (policy == SensitiveNumberPolicy.Allow && !wanted)
        {
            return null;
        }

        var spans = wanted ? new List<(int, SensitiveNumberKind, int, int)>() : null;
        for (var i = 0; i < texts.Count; i++)
        {
            foreach (var span in SensitiveNumberGuard.Check(texts[i], policy, field(i), wanted))
            {
                var (start, end) = span.CodePoints(texts[i]);
                spans?.Add((i, span.Kind, start, end));
            }
        }

        return spans;
    }
}
