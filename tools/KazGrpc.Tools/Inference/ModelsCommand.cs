using System.CommandLine;
using KazGrpc.Tools.ModelsPrepare;

namespace KazGrpc.Tools.Inference;

/// <summary><c>kazgrpc models</c>: the default models; <c>kazgrpc models prepare</c> writes them.</summary>
internal sealed class ModelsCommand : Command
{
    public ModelsCommand()
        : base("models", "the default models: `models prepare` writes them")
    {
        Subcommands.Add(new ModelsPrepareCommand());
    }
}
