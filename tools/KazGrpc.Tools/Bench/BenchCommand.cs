using System.CommandLine;
using KazGrpc.Bench;

namespace KazGrpc.Tools.Bench;

/// <summary>
/// <c>kazgrpc bench ...</c>: kazgrpc-bench's measuring commands (tokenize, embed, generate), built by the
/// same code, so that options and help never drift apart. Its echo-server stays with
/// kazgrpc-bench: bench embed starts that executable as a process of its own.
/// </summary>
internal sealed class BenchCommand : Command
{
    public BenchCommand()
        : base("bench", "throughput and latency benchmarks (the commands of kazgrpc-bench; results go to bench-results/ as JSON)")
    {
        foreach (var command in BenchCli.MeasuringCommands())
        {
            Subcommands.Add(command);
        }
    }
}
