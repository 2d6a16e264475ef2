namespace KazGrpc.Bench.Embed;

/// <summary>
/// The services' runtime environment, <c>build/service-runtime.env</c>: the variables that
/// <c>./run.sh</c> and <c>./test.sh</c> start tokenizer-svc and inference-svc with, so that the
/// benchmark measures the services as they run, and starts the echo servers it compares them with
/// under the same runtime settings.
/// </summary>
internal static class ServiceRuntimeEnvironment
{
    /// <summary>The file, relative to the repository root.</summary>
    public static readonly string RelativePath = Path.Combine("build", "service-runtime.env");

    /// <summary>The variables of <paramref name="repositoryRoot"/>'s file, in file order; none when it is absent.</summary>
    /// <exception cref="InvalidOperationException">A line is neither a comment, blank, nor <c>NAME=value</c>.</exception>
    public static IReadOnlyDictionary<string, string> Read(string repositoryRoot)
    {
        var path = Path.Combine(repositoryRoot, RelativePath);
        var variables = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return variables;
        }

        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            var text = line.Trim();
            if (text.Length == 0 || text.StartsWith('#'))
            {
                continue;
            }

            var equals = text.IndexOf('=', StringComparison.Ordinal);
            if (equals < 1 || !IsName(text.AsSpan(0, equals)))
            {
                throw new InvalidOperationException($"{path}:{number}: expected NAME=value, got '{text}'");
            }

            variables[text[..equals]] = text[(equals + 1)..];
        }

        return variables;
    }

    /// <summary><paramref name="runtime"/> with <paramref name="overrides"/> (e.g. <c>--service-env</c>) set over it.</summary>
    public static IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string> runtime, IReadOnlyDictionary<string, string> overrides)
    {
        var merged = new Dictionary<string, string>(runtime, StringComparer.Ordinal);
        foreach (var (name, value) in overrides)
        {
            merged[name] = value;
        }

        return merged;
    }

    private static bool IsName(ReadOnlySpan<char> name)
    {
        if (char.IsAsciiDigit(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '_'))
            {
                return false;
            }
        }

        return true;
    }
}
