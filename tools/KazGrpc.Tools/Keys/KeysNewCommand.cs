using System.CommandLine;
using System.Text.Json.Nodes;
using KazGrpc.Hosting.Security;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Keys;

/// <summary><c>kazgrpc keys new [--json]</c>: a new random API key (for the caller) and its digest (for the services' configuration).</summary>
internal sealed class KeysNewCommand : Command
{
    private readonly Option<bool> _json = CliOptions.Json();

    public KeysNewCommand()
        : base("new", "make a random API key; give the key to the caller and put its sha256 in Auth:Callers:{id}:ApiKeys")
    {
        Options.Add(_json);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var terminal = new Terminal(parse);
        var key = ApiKeyHash.NewKey();
        if (parse.GetValue(_json))
        {
            JsonOutput.Write(terminal.Out, new JsonObject { ["key"] = key, ["sha256"] = ApiKeyHash.Of(key) });
        }
        else
        {
            terminal.Out.WriteLine($"key:    {key}");
            terminal.Out.WriteLine($"sha256: {ApiKeyHash.Of(key)}");
        }

        return ExitCodes.Success;
    }
}
