namespace KazGrpc.Text;

/// <summary>A sensitive number found in a text: its kind and where it is (UTF-16 offsets, as .NET strings index).</summary>
/// <param name="Kind">What it is.</param>
/// <param name="Start">Offset of its first character.</param>
/// <param name="Length">Its length in characters, separators included.</param>
public readonly record struct SensitiveSpan(SensitiveNumberKind Kind, int Start, int Length)
{
    /// <summary>The offset just past it.</summary>
    public int End => Start + Length;

    /// <summary>What a masked text holds in its place: <c>[IIN]</c>, <c>[BIN]</c> or <c>[PHONE]</c>.</summary>
    public string Placeholder => Kind switch
    {
        SensitiveNumberKind.Iin => "[IIN]",
        SensitiveNumberKind.Bin => "[BIN]",
        _ => "[PHONE]",
    };
}
