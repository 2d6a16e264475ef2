using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using System.Numerics;

namespace KazGrpc.Tools.Cli;

/// <summary>Options that many commands share, and numeric options whose errors name the rule.</summary>
internal static class CliOptions
{
    public static Option<bool> Json() => new("--json") { Description = "machine-readable JSON on stdout instead of text (errors as JSON on stderr)" };

    /// <summary><c>--timeout SECONDS</c>: a positive number of seconds, at most a day.</summary>
    public static Option<double> Timeout(double defaultSeconds, string description) =>
        Number("--timeout", description, "SECONDS", defaultSeconds, s => s is > 0 and <= 24 * 3600, "a number of seconds in (0, 86400]");

    /// <summary><c>--tokenizer NAME</c>: the tokenizer a tokenizer-svc call names.</summary>
    public static Option<string> TokenizerName() => new("--tokenizer")
    {
        Description = "tokenizer name: o200k_base, cl100k_base, gpt2, or a model directory's (minilm, ...)",
        HelpName = "NAME",
        DefaultValueFactory = _ => "o200k_base",
    };

    /// <summary>
    /// A number that must pass <paramref name="valid"/>; anything else is a parse error saying
    /// "<c>NAME must be RULE; got 'TEXT'</c>" (System.CommandLine's own message names the CLR type).
    /// </summary>
    public static Option<T> Number<T>(string name, string description, string helpName, T defaultValue, Func<T, bool> valid, string rule)
        where T : struct, INumber<T> => new(name)
    {
        Description = description,
        HelpName = helpName,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = result => Parse(result, name, valid, rule) ?? defaultValue,
    };

    /// <summary>A number as <see cref="Number{T}"/>, null when not given (so that the service's default applies).</summary>
    public static Option<T?> OptionalNumber<T>(string name, string description, string helpName, Func<T, bool> valid, string rule)
        where T : struct, INumber<T> => new(name)
    {
        Description = description,
        HelpName = helpName,
        CustomParser = result => Parse(result, name, valid, rule),
    };

    private static T? Parse<T>(ArgumentResult result, string name, Func<T, bool> valid, string rule)
        where T : struct, INumber<T>
    {
        var text = result.Tokens[0].Value;
        if (T.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && valid(value))
        {
            return value;
        }

        result.AddError($"{name} must be {rule}; got '{text}'");
        return null;
    }
}
