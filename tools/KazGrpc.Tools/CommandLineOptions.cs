namespace KazGrpc.Tools;

/// <summary>A command's <c>--name value</c> (or <c>--name=value</c>) options, and its <c>--flag</c>s, which take no value.</summary>
internal sealed class CommandLineOptions
{
    private readonly Dictionary<string, string> _values;

    private CommandLineOptions(Dictionary<string, string> values) => _values = values;

    /// <summary>
    /// Parses <paramref name="args"/>, accepting only <paramref name="names"/> (without the dashes);
    /// null, with the reason in <paramref name="error"/>, for anything else.
    /// </summary>
    public static CommandLineOptions? Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> names, out string error) =>
        Parse(args, names, [], out error);

    /// <summary>
    /// Parses <paramref name="args"/> as above, where each of <paramref name="flags"/> stands alone
    /// (<c>--full-logits</c>) and reads as set; <see cref="IsSet"/> tells.
    /// </summary>
    public static CommandLineOptions? Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> names, IReadOnlyCollection<string> flags, out string error)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                error = $"unexpected argument '{arg}'";
                return null;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? arg[2..] : arg[2..equals];
            if (flags.Contains(name) && equals < 0)
            {
                if (!values.TryAdd(name, "true"))
                {
                    error = $"option '--{name}' is given twice";
                    return null;
                }

                continue;
            }

            if (!names.Contains(name))
            {
                error = $"unknown option '--{name}'; options are {string.Join(", ", names.Concat(flags).Select(n => "--" + n))}";
                return null;
            }

            string value;
            if (equals >= 0)
            {
                value = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                value = args[++i];
            }
            else
            {
                error = $"option '--{name}' needs a value";
                return null;
            }

            if (!values.TryAdd(name, value))
            {
                error = $"option '--{name}' is given twice";
                return null;
            }
        }

        error = string.Empty;
        return new CommandLineOptions(values);
    }

    /// <summary>The value of <c>--<paramref name="name"/></c>, or null when not given.</summary>
    public string? Get(string name) => _values.GetValueOrDefault(name);

    /// <summary>Whether the flag <c>--<paramref name="flag"/></c> was given.</summary>
    public bool IsSet(string flag) => _values.ContainsKey(flag);
}
