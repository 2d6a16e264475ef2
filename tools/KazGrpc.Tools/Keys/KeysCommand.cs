using System.CommandLine;

namespace KazGrpc.Tools.Keys;

/// <summary><c>kazgrpc keys</c>: API keys for the services' <c>Auth:Callers</c>, one subcommand each.</summary>
internal sealed class KeysCommand : Command
{
    public KeysCommand()
        : base("keys", "make API keys and the SHA-256 digests that Auth:Callers:{id}:ApiKeys holds: new, hash")
    {
        Subcommands.Add(new KeysNewCommand());
        Subcommands.Add(new KeysHashCommand());
    }
}
