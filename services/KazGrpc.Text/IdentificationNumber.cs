namespace KazGrpc.Text;

/// <summary>
/// Kazakhstan's 12-digit identification numbers. Both kinds share the check digit rule: the sum
/// of the first 11 digits weighted 1..11, modulo 11; when that is 10, weighted 3..11, 1, 2
/// instead; a second 10 means no valid number ends in any digit. The layout tells the kinds apart:
/// an IIN starts with a birth date YYMMDD and its 7th digit (century and sex) is 0-6; a BIN starts
/// with the registration's YYMM, then 4, 5 or 6 (resident, non-resident, entrepreneur) and 0-4.
/// </summary>
public static class IdentificationNumber
{
    private static readonly int[] FirstWeights = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
    private static readonly int[] SecondWeights = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2];

    /// <summary>The kind of <paramref name="digits"/> (exactly 12 ASCII digits) when its check digit and layout are valid; null otherwise.</summary>
    public static SensitiveNumberKind? Classify(ReadOnlySpan<char> digits)
    {
        if (digits.Length != 12 || digits.ContainsAnyExceptInRange('0', '9') || CheckDigit(digits[..11]) != digits[11] - '0')
        {
            return null;
        }

        var month = Number(digits[2..4]);
        if (month is < 1 or > 12)
        {
            return null;
        }

        if (digits[4] is >= '4' and <= '6')
        {
            return digits[5] is >= '0' and <= '4' ? SensitiveNumberKind.Bin : null;
        }

        var day = Number(digits[4..6]);
        return day is >= 1 and <= 31 && digits[6] is >= '0' and <= '6' ? SensitiveNumberKind.Iin : null;
    }

    /// <summary>The check digit of the first 11 digits, or -1 when no 12th digit makes them valid.</summary>
    public static int CheckDigit(ReadOnlySpan<char> first11)
    {
        if (first11.Length != 11 || first11.ContainsAnyExceptInRange('0', '9'))
        {
            throw new ArgumentException("11 digits are required", nameof(first11));
        }

        var check = Weighted(first11, FirstWeights);
        if (check == 10)
        {
            check = Weighted(first11, SecondWeights);
        }

        return check == 10 ? -1 : check;
    }

    private static int Weighted(ReadOnlySpan<char> digits, int[] weights)
    {
        var sum = 0;
        for (var i = 0; i < weights.Length; i++)
        {
            sum += (digits[i] - '0') * weights[i];
        }

        return sum % 11;
    }

    private static int Number(ReadOnlySpan<char> two) => ((two[0] - '0') * 10) + (two[1] - '0');
}
