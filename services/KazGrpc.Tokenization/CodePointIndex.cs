namespace KazGrpc.Tokenization;

/// <summary>Converts UTF-16 positions of a string to Unicode code point positions.</summary>
internal readonly struct CodePointIndex
{
    private readonly int[]? _lowSurrogatesBefore;

    public CodePointIndex(string text)
    {
        Length = text.Length;
        if (text.AsSpan().IndexOfAnyInRange('\uDC00', '\uDFFF') < 0)
        {
            return;
        }

        _lowSurrogatesBefore = new int[text.Length + 1];
        for (var i = 0; i < text.Length; i++)
        {
            _lowSurrogatesBefore[i + 1] = _lowSurrogatesBefore[i] + (char.IsLowSurrogate(text[i]) ? 1 : 0);
        }

        Length = text.Length - _lowSurrogatesBefore[^1];
    }

    /// <summary>Length of the text in code points.</summary>
    public int Length { get; }

    public int FromUtf16(int position) =>
        _lowSurrogatesBefore is null ? position : position - _lowSurrogatesBefore[Math.Clamp(position, 0, _lowSurrogatesBefore.Length - 1)];
}
