using System.Globalization;

namespace KazGrpc.ModelForge;

/// <summary>
/// The <c>forge</c> command line, for the <c>kazgrpc</c> CLI to call:
/// <c>forge identity-encoder --out &lt;dir&gt; [--dimensions N] [--tokenizer NAME]</c>.
/// </summary>
public static class ForgeCommands
{
    /// <summary>The exit code when the model was written.</summary>
    public const int Success = 0;

    /// <summary>The exit code when writing failed (I/O, permissions).</summary>
    public const int Failure = 1;

    /// <summary>The exit code for a malformed command line.</summary>
    public const int UsageError = 2;

    private const string Usage = """
        Usage: forge identity-encoder --out <dir> [--dimensions N] [--tokenizer NAME]

        Writes a near-free encoder with the inputs and output of a BERT sentence-transformer
        (input_ids, attention_mask, token_type_ids -> last_hidden_state) into <dir>:
        model.onnx and kazgrpc.json, for measuring serving overhead.

          --out <dir>         model directory, created if missing (required)
          --dimensions N      embedding length (default 384)
          --tokenizer NAME    tokenizer named in kazgrpc.json (default minilm)
        """;

    /// <summary>Runs a forge command, writing to the console.</summary>
    /// <param name="args">The arguments, with or without a leading <c>forge</c>.</param>
    /// <returns><see cref="Success"/>, <see cref="Failure"/> or <see cref="UsageError"/>.</returns>
    public static int Run(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Runs a forge command.</summary>
    /// <param name="args">The arguments, with or without a leading <c>forge</c>.</param>
    /// <param name="output">Receives the result line and help.</param>
    /// <param name="error">Receives errors and, after a usage error, the usage.</param>
    /// <returns><see cref="Success"/>, <see cref="Failure"/> or <see cref="UsageError"/>.</returns>
    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);

        var rest = args.Count > 0 && args[0] == "forge" ? args.Skip(1).ToArray() : args.ToArray();
        if (rest.Length == 0)
        {
            return Fail(error, "forge: missing command.");
        }

        switch (rest[0])
        {
            case "identity-encoder":
                return IdentityEncoderCommand(rest.AsSpan(1), output, error);
            case "--help" or "-h" or "help":
                output.WriteLine(Usage);
                return Success;
            default:
                return Fail(error, $"forge: unknown command '{rest[0]}'.");
        }
    }

    private static int IdentityEncoderCommand(ReadOnlySpan<string> args, TextWriter output, TextWriter error)
    {
        string? directory = null;
        var dimensions = IdentityEncoder.DefaultDimensions;
        var tokenizer = IdentityEncoder.DefaultTokenizer;

        for (var i = 0; i < args.Length; i++)
        {
            var option = args[i];
            if (option is "--help" or "-h")
            {
                output.WriteLine(Usage);
                return Success;
            }

            if (option is not ("--out" or "--dimensions" or "--tokenizer"))
            {
                return Fail(error, $"forge identity-encoder: unknown option '{option}'.");
            }

            if (i + 1 >= args.Length || string.IsNullOrWhiteSpace(args[i + 1]))
            {
                return Fail(error, $"forge identity-encoder: {option} needs a value.");
            }

            var value = args[++i];
            switch (option)
            {
                case "--out":
                    directory = value;
                    break;
                case "--dimensions":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out dimensions) || dimensions < 1)
                    {
                        return Fail(error, $"forge identity-encoder: --dimensions must be a positive integer, got '{value}'.");
                    }

                    break;
                default:
                    tokenizer = value;
                    break;
            }
        }

        if (directory is null)
        {
            return Fail(error, "forge identity-encoder: --out <dir> is required.");
        }

        try
        {
            var modelPath = IdentityEncoder.Write(directory, dimensions, tokenizer);
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Wrote {modelPath} and {EmbeddingModelConfig.FileName} (identity encoder, {dimensions} dimensions, tokenizer '{tokenizer}')."));
            return Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"forge identity-encoder: cannot write '{directory}': {e.Message}");
            return Failure;
        }
    }

    private static int Fail(TextWriter error, string message)
    {
        error.WriteLine(message);
        error.WriteLine(Usage);
        return UsageError;
    }
}
