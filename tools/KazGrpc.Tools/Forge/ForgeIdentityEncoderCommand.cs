using System.Globalization;
using KazGrpc.ModelForge;

namespace KazGrpc.Tools.Forge;

/// <summary>
/// <c>kazgrpc forge identity-encoder --out DIR [--dimensions N] [--tokenizer NAME]</c>: writes the
/// forge's near-free encoder (<see cref="IdentityEncoder"/>), with MiniLM's inputs and output, and its
/// <c>kazgrpc.json</c>, for measuring serving overhead.
/// </summary>
internal sealed class ForgeIdentityEncoderCommand : IToolCommand
{
    private static readonly string[] OptionNames = ["out", "dimensions", "tokenizer"];

    public string Name => "forge identity-encoder";

    public string Summary => "write the near-free identity encoder (model.onnx, kazgrpc.json) for overhead benchmarks";

    public string Usage => """
          --out <dir>         model directory, created if missing (required)
          --dimensions N      embedding length (default 384)
          --tokenizer NAME    tokenizer named in kazgrpc.json (default minilm)
        """;

    public int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CommandLineOptions.Parse(args, OptionNames, out var usageError);
        if (options is null)
        {
            return UsageError(error, usageError);
        }

        var directory = options.Get("out");
        if (string.IsNullOrWhiteSpace(directory))
        {
            return UsageError(error, "--out <dir> is required");
        }

        var dimensions = IdentityEncoder.DefaultDimensions;
        if (options.Get("dimensions") is { } text
            && (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out dimensions) || dimensions < 1))
        {
            return UsageError(error, $"--dimensions must be a positive integer; got '{text}'");
        }

        var tokenizer = options.Get("tokenizer") ?? IdentityEncoder.DefaultTokenizer;
        try
        {
            var modelPath = IdentityEncoder.Write(directory, dimensions, tokenizer);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Wrote {modelPath} and {EmbeddingModelConfig.FileName} (identity encoder, {dimensions} dimensions, tokenizer '{tokenizer}')."));
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"kazgrpc {Name}: cannot write '{directory}': {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private int UsageError(TextWriter error, string message)
    {
        error.WriteLine($"kazgrpc {Name}: {message}");
        return ExitCodes.Usage;
    }
}
