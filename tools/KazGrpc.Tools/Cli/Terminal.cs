using System.CommandLine;
using System.CommandLine.Parsing;
using Spectre.Console;

namespace KazGrpc.Tools.Cli;

/// <summary>
/// Where a command writes: the invocation's output and error writers (the console, or a test's
/// writers), and a Spectre console over the output for tables. Spectre finds out from the writer
/// whether it is a terminal, so that piped output has no colours or escape codes.
/// </summary>
internal sealed class Terminal
{
    private IAnsiConsole? _console;

    public Terminal(ParseResult parse)
    {
        Out = parse.InvocationConfiguration.Output;
        Error = parse.InvocationConfiguration.Error;
        CommandPath = PathOf(parse);
    }

    /// <summary>How messages name the command: <c>kazgrpc models prepare</c>.</summary>
    public string CommandPath { get; }

    /// <summary>Results; the JSON of <c>--json</c>.</summary>
    public TextWriter Out { get; }

    /// <summary>Errors, warnings and progress.</summary>
    public TextWriter Error { get; }

    /// <summary>A Spectre console over <see cref="Out"/>.</summary>
    public IAnsiConsole Console => _console ??= AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Out) });

    /// <summary>How messages name the command that <paramref name="parse"/> chose: <c>kazgrpc models prepare</c>.</summary>
    public static string PathOf(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null; result = result.Parent as CommandResult)
        {
            names.Add(result.Command is RootCommand ? "kazgrpc" : result.Command.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }
}
