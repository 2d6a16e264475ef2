using System.CommandLine;
using System.Text.Json.Nodes;
using KazGrpc.Hosting.Security;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Keys;

/// <summary>
/// <c>kazgrpc keys hash [KEY] [--json]</c>: the digest of an API key as the services' configuration
/// holds it (the same as <c>printf %s KEY | sha256sum</c>). Without KEY the key is read from the first
/// line of standard input, so that it stays out of the shell's history.
/// </summary>
internal sealed class KeysHashCommand : Command
{
    private readonly Argument<string?> _key = new("KEY")
    {
        Description = "the API key (default: the first line of standard input)",
        Arity = ArgumentArity.ZeroOrOne,
    };

    private readonly Option<bool> _json = CliOptions.Json();

    public KeysHashCommand()
        : base("hash", "print the sha256 of an API key, as Auth:Callers:{id}:ApiKeys holds it")
    {
        Arguments.Add(_key);
        Options.Add(_json);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var terminal = new Terminal(parse);
        var key = parse.GetValue(_key) ?? Console.In.ReadLine();
        if (string.IsNullOrEmpty(key))
        {
            terminal.Error.WriteLine($"{terminal.CommandPath}: no key: give KEY or write it to standard input");
            return ExitCodes.Usage;
        }

        var digest = ApiKeyHash.Of(key);
        if (parse.GetValue(_json))
        {
            JsonOutput.Write(terminal.Out, new JsonObject { ["sha256"] = digest });
        }
        else
        {
            terminal.Out.WriteLine(digest);
        }

        return ExitCodes.Success;
    }
}
