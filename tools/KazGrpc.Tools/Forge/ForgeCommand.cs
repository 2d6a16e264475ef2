using System.CommandLine;

namespace KazGrpc.Tools.Forge;

/// <summary><c>kazgrpc forge</c>: the model forge's writers, one subcommand each.</summary>
internal sealed class ForgeCommand : Command
{
    public ForgeCommand()
        : base("forge", "write ONNX models with deterministic weights: identity-encoder, decoder")
    {
        Subcommands.Add(new ForgeIdentityEncoderCommand());
        Subcommands.Add(new ForgeDecoderCommand());
    }
}
