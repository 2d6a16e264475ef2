namespace KazGrpc.Text;

/// <summary>A sensitive number found in a text: its kind and where it is (UTF-16 offsets, as .NET strings index).</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Start">Offset of its first character.</param>
/// <param name="Length">Its length in characters, separators included.</param>
public readonly record struct SensitiveSpan(SensitiveNumberKind Kind, int Start, int Length)
{
    /// <summary>The offset just past it.</summary>
    public int End => Start + Length;

    /// <summary>Its [start, end) in Unicode code points of <paramref name="text"/> (the text it was found in), as the contracts count positions.</summary>
    public (int Start, int End) CodePoints(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var before = CodePointCount(text.AsSpan(0, Start));
        return (before, before + CodePointCount(text.AsSpan(Start, Length)));
    }

    private static int CodePointCount(ReadOnlySpan<char> text)
    {
        var count = text.Length;
        foreach (var c in text)
        {
            if (char.IsLowSurrogate(c))
            {
                count--;
            }
        }

        return count;
    }

    /// <summary>What a masked text holds in its place: <c>[IIN]</c>, <c>[BIN]</c> or <c>[PHONE]</c>.</summary>
    public string Placeholder => Kind switch
    {
        SensitiveNumberKind.Iin => "[IIN]",
        SensitiveNumberKind.Bin => "[BIN]",
        _ => "[PHONE]",
    };
}
