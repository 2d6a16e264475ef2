using System.Text.RegularExpressions;

namespace KazGrpc.Launcher;

/// <summary>
/// The services' runtime environment, <c>build/service-runtime.env</c>: the variables that
/// <c>./run.sh</c> and <c>./test.sh</c> start tokenizer-svc and inference-svc with, so that a tool
/// or test that starts them runs them alike.
/// </summary>
public static partial class ServiceRuntimeEnvironment
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
            if (line.AsSpan().Trim().IsEmpty || line.StartsWith('#'))
            {
                continue;
            }

            var variable = Variable().Match(line);
            if (!variable.Success)
            {
                throw new InvalidOperationException($"{path}:{number}: expected NAME=value (NAME of letters, digits and _), got '{line}'");
            }

            variables[variable.Groups[1].Value] = variable.Groups[2].Value;
        }

        return variables;
    }

    /// <summary><paramref name="runtime"/> with <paramref name="overrides"/> set over it.</summary>
    public static IReadOnlyDictionary<string, string> With(IReadOnlyDictionary<string, string> runtime, IReadOnlyDictionary<string, string> overrides)
    {
        var merged = new Dictionary<string, string>(runtime, StringComparer.Ordinal);
        foreach (var (name, value) in overrides)
        {
            merged[name] = value;
        }

        return merged;
    }

    /// <summary>One variable: the pattern build/service-runtime.sh (run.sh, test.sh) selects the file's lines with.</summary>
    [GeneratedRegex("^([A-Za-z_][A-Za-z0-9_]*)=(.*)$")]
    private static partial Regex Variable();
}
