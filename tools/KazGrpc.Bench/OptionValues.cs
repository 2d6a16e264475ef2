using System.Globalization;

namespace KazGrpc.Bench;

/// <summary>Parsing of option values shared by the bench commands; errors name the option and the value.</summary>
internal static class OptionValues
{
    /// <summary>A number of seconds in (0, 3600], or [0, 3600] with <paramref name="allowZero"/>.</summary>
    public static TimeSpan Seconds(string name, string value, bool allowZero = false) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && (seconds > 0 || (allowZero && seconds == 0)) && seconds <= 3600
            ? TimeSpan.FromSeconds(seconds)
            : throw new FormatException($"{name} must be a number of seconds{(allowZero ? " >= 0" : " > 0")} and at most 3600; got '{value}'");

    /// <summary>A positive integer.</summary>
    public static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw new FormatException($"{name} must be a positive integer; got '{value}'");
}
