using System.Globalization;

namespace KazGrpc.Bench.Generate;

/// <summary>A range of token counts, both ends included, written <c>MIN-MAX</c> (or one number).</summary>
internal readonly record struct TokenRange(int Min, int Max)
{
    /// <summary>Reads <c>MIN-MAX</c> or <c>N</c>; throws <see cref="FormatException"/> unless 1 &lt;= MIN &lt;= MAX.</summary>
    public static TokenRange Parse(string text)
    {
        var parts = text.Split('-', 2, StringSplitOptions.TrimEntries);
        var min = int.Parse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture);
        var max = parts.Length == 2 ? int.Parse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture) : min;
        return min >= 1 && min <= max ? new TokenRange(min, max) : throw new FormatException($"'{text}' is not MIN-MAX with 1 <= MIN <= MAX");
    }

    public override string ToString() => Min == Max ? Min.ToString(CultureInfo.InvariantCulture) : string.Create(CultureInfo.InvariantCulture, $"{Min}-{Max}");
}
