using KazGrpc.Core;

namespace KazGrpc.Text;

/// <summary>Applies a <see cref="SensitiveNumberPolicy"/> to a request's text: finds the numbers when
/// the policy or the caller needs them, and refuses a text under <see cref="SensitiveNumberPolicy.Reject"/>
/// with a message that names where the number is and never what it is.</summary>
public static class SensitiveNumberGuard
{
    /// <summary>The stricter of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static SensitiveNumberPolicy Stricter(SensitiveNumberPolicy a, SensitiveNumberPolicy b) => a >= b ? a : b;

    /// <summary>
    /// The sensitive numbers of <paramref name="text"/> (the request's <paramref name="field"/>) when
    /// <paramref name="policy"/> acts on them or <paramref name="wanted"/> asks for them, else none
    /// without looking (allowing costs nothing). Throws <see cref="RequestValidationException"/> on
    /// the first under <see cref="SensitiveNumberPolicy.Reject"/>.
    /// </summary>
    public static IReadOnlyList<SensitiveSpan> Check(string text, SensitiveNumberPolicy policy, string field, bool wanted)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (policy == SensitiveNumberPolicy.Allow && !wanted)
        {
            return [];
        }

        var spans = SensitiveNumbers.Find(text);
        if (policy == SensitiveNumberPolicy.Reject && spans.Count > 0)
        {
            var (start, end) = spans[0].CodePoints(text);
            var more = spans.Count > 1 ? $" (and {spans.Count - 1} more)" : string.Empty;
            throw new RequestValidationException(field,
                $"`{field}` holds {Describe(spans[0].Kind)} at code points {start}-{end}{more}; the caller's policy for identification and phone numbers is reject "
                + "(remove them, or send them under the mask policy)");
        }

        return spans;
    }

    /// <summary>The kind with its article, as messages name it.</summary>
    public static string Describe(SensitiveNumberKind kind) => kind switch
    {
        SensitiveNumberKind.Iin => "an IIN",
        SensitiveNumberKind.Bin => "a BIN",
        _ => "a phone number",
    };
}
