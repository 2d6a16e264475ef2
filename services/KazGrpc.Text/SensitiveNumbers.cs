using System.Text;
using System.Text.RegularExpressions;

namespace KazGrpc.Text;

/// <summary>
/// Finds IINs, BINs and Kazakhstan phone numbers in text, and masks them. A 12-digit run counts
/// only when <see cref="IdentificationNumber.Classify"/> accepts it, so ordinary 12-digit numbers
/// (orders, accounts) are left alone; digits that touch other digits are never a match.
/// </summary>
public static partial class SensitiveNumbers
{
    /// <summary>Every sensitive number in <paramref name="text"/>, in order of position, none overlapping.</summary>
    public static IReadOnlyList<SensitiveSpan> Find(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var spans = new List<SensitiveSpan>();
        foreach (var match in TwelveDigits().EnumerateMatches(text))
        {
            if (IdentificationNumber.Classify(text.AsSpan(match.Index, match.Length)) is { } kind)
            {
                spans.Add(new SensitiveSpan(kind, match.Index, match.Length));
            }
        }

        foreach (var match in Phone().EnumerateMatches(text))
        {
            var (start, end) = (match.Index, match.Index + match.Length);
            if (!spans.Exists(s => s.Start < end && start < s.End))
            {
                spans.Add(new SensitiveSpan(SensitiveNumberKind.Phone, start, end - start));
            }
        }

        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        return spans;
    }

    /// <summary><paramref name="text"/> with each of <paramref name="spans"/> (from <see cref="Find"/>) replaced by its placeholder.</summary>
    public static string Mask(string text, IReadOnlyList<SensitiveSpan> spans)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(spans);
        if (spans.Count == 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length);
        var at = 0;
        foreach (var span in spans)
        {
            builder.Append(text, at, span.Start - at).Append(span.Placeholder);
            at = span.End;
        }

        return builder.Append(text, at, text.Length - at).ToString();
    }

    /// <summary><paramref name="text"/> with every sensitive number masked: what a log line, span tag or
    /// audit line may hold of a caller's string (a request id, a name, an error message that repeats one).
    /// A text without 10 digits is returned as it is, without a search.</summary>
    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var digits = 0;
        foreach (var c in text)
        {
            if (char.IsAsciiDigit(c) && ++digits >= 10)
            {
                return Mask(text, Find(text));
            }
        }

        return text;
    }

    [GeneratedRegex(@"(?<![0-9])[0-9]{12}(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex TwelveDigits();

    // +7, 8 or 7 (optional), then 7XX XXX XX XX with optional spaces, dashes, dots or brackets.
    [GeneratedRegex(@"(?<![0-9+])(?:(?:\+7|8|7)[ \-.]?)?\(?7[0-9]{2}\)?[ \-.]?[0-9]{3}[ \-.]?[0-9]{2}[ \-.]?[0-9]{2}(?![0-9])", RegexOptions.CultureInvariant)]
    private static partial Regex Phone();
}
