using System.Text;
using KazGrpc.Text;

namespace KazGrpc.Tokenization;

/// <summary>
/// The text a tokenizer encodes in place of a request's text: its sensitive numbers replaced by
/// placeholders and, for Latin-script Kazakh, the rest spelt in Cyrillic (placeholders stay as
/// they are), with a map back to the text as given so that offsets keep referring to it.
/// </summary>
internal static class PreparedText
{
    /// <summary>
    /// <paramref name="text"/> with each of <paramref name="masked"/> (in order, none overlapping)
    /// replaced by its placeholder and, with <paramref name="latin"/>, the rest converted to Cyrillic.
    /// With <paramref name="map"/>, <paramref name="source"/>[i] is the index in <paramref name="text"/>
    /// of the unit that unit i came from (a placeholder's units all come from its number's first), and
    /// <paramref name="source"/>[result.Length] is <paramref name="text"/>'s length; else null.
    /// </summary>
    public static string Build(string text, IReadOnlyList<SensitiveSpan> masked, bool latin, bool map, out int[]? source)
    {
        var builder = new StringBuilder(text.Length);
        var units = map ? new List<int>(text.Length + 1) : null;
        var at = 0;
        foreach (var span in masked)
        {
            Append(text, at, span.Start, latin, builder, units);
            var placeholder = span.Placeholder;
            builder.Append(placeholder);
            for (var i = 0; units is not null && i < placeholder.Length; i++)
            {
                units.Add(span.Start);
            }

            at = span.End;
        }

        Append(text, at, text.Length, latin, builder, units);
        units?.Add(text.Length);
        source = units?.ToArray();
        return builder.ToString();
    }

    private static void Append(string text, int start, int end, bool latin, StringBuilder builder, List<int>? units)
    {
        if (end <= start)
        {
            return;
        }

        if (!latin)
        {
            builder.Append(text, start, end - start);
            for (var i = start; units is not null && i < end; i++)
            {
                units.Add(i);
            }

            return;
        }

        var part = text[start..end];
        if (units is null)
        {
            builder.Append(KazakhScript.ToCyrillic(part));
            return;
        }

        var cyrillic = KazakhScript.ToCyrillic(part, out var from);
        builder.Append(cyrillic);
        for (var i = 0; i < cyrillic.Length; i++)
        {
            units.Add(start + from[i]);
        }
    }
}
