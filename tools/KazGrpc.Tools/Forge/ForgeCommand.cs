using KazGrpc.ModelForge;

namespace KazGrpc.Tools.Forge;

/// <summary><c>kazgrpc forge identity-encoder --out DIR</c>: writes models from code (see <see cref="ForgeCommands"/>).</summary>
internal sealed class ForgeCommand : IToolCommand
{
    public string Name => "forge";

    public string Summary => "write test and benchmark ONNX models (identity-encoder)";

    public string Usage => "  identity-encoder --out <dir> [--dimensions N] [--tokenizer NAME]";

    public int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error) => ForgeCommands.Run(args, output, error);
}
