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

    /// <summary>A non-negative integer seed.</summary>
    public static ulong Seed(string name, string value) =>
        ulong.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seed)
            ? seed
            : throw new FormatException($"{name} must be a non-negative integer");

    /// <summary><c>host:port</c> or an http(s) URL.</summary>
    public static Uri Address(string name, string value)
    {
        var text = value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value;
        return Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new FormatException($"{name} must be host:port or an http(s) URL; got '{value}'");
    }

    /// <summary>A comma-separated list of distinct items, at least one; <paramref name="parse"/> answers null for an unknown item.</summary>
    public static List<T> List<T>(string name, string value, Func<string, T?> parse)
        where T : struct
    {
        var items = new List<T>();
        foreach (var key in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var item = parse(key) ?? throw new FormatException($"{name} does not know '{key}'");
            if (!items.Contains(item))
            {
                items.Add(item);
            }
        }

        return items.Count > 0 ? items : throw new FormatException($"{name} needs at least one item");
    }

    /// <summary>
    /// Walks <c>--name value</c> and <c>--name=value</c> arguments in order: <paramref name="handle"/>
    /// gets each option's name, a function that takes its value (inline, or the next argument), and
    /// the argument as given (for errors).
    /// </summary>
    public static void Walk(IReadOnlyList<string> args, Action<string, Func<string>, string> handle)
    {
        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            var name = argument;
            string? value = null;
            var inline = argument.IndexOf('=', StringComparison.Ordinal);
            if (inline > 0 && argument.StartsWith("--", StringComparison.Ordinal))
            {
                value = argument[(inline + 1)..];
                name = argument[..inline];
            }

            handle(name, () => value ?? (i + 1 < args.Count ? args[++i] : throw new FormatException($"{name} needs a value")), argument);
        }
    }
}
