using System.Diagnostics;
using System.Globalization;
using KazGrpc.ModelForge;

namespace KazGrpc.Tools.Forge;

/// <summary>
/// <c>kazgrpc forge decoder --out DIR [--size tiny|bench] [--precision fp32|fp16|int4] [--seed N]
/// [--vocab-size N] [--full-logits]</c>: writes a Llama-class decoder (<see cref="LlamaDecoder"/>) with
/// deterministic weights, its <c>genai_config.json</c> and its <c>kazgrpc.json</c>.
/// </summary>
internal sealed class ForgeDecoderCommand : IToolCommand
{
    private static readonly string[] OptionNames = ["out", "size", "precision", "seed", "vocab-size"];
    private static readonly string[] FlagNames = ["full-logits"];

    public string Name => "forge decoder";

    public string Summary => "write a Llama-class decoder with seeded weights (model.onnx, genai_config.json, kazgrpc.json)";

    public string Usage => """
          --out <dir>             model directory, created if missing (required)
          --size tiny|bench       tiny: 2 layers, hidden 64 (tests); bench: 4 layers, hidden 256, ~105M parameters (default tiny)
          --precision fp32|fp16|int4   weights and activations; int4 is MatMulNBits with fp32 activations (default fp32)
          --seed N                seed of the weights; the same seed writes the same bytes (default 42)
          --vocab-size N          token ids (default 200019, o200k_base's, the paired tokenizer)
          --full-logits           logits for every position, not only each sequence's last
        """;

    public int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CommandLineOptions.Parse(args, OptionNames, FlagNames, out var usageError);
        if (options is null)
        {
            return UsageError(error, usageError);
        }

        var directory = options.Get("out");
        if (string.IsNullOrWhiteSpace(directory))
        {
            return UsageError(error, "--out <dir> is required");
        }

        var size = DecoderSize.Tiny;
        if (options.Get("size") is { } sizeText && !TryParseName(sizeText, ["tiny", "bench"], out size))
        {
            return UsageError(error, $"--size must be tiny or bench; got '{sizeText}'");
        }

        var precision = DecoderPrecision.Fp32;
        if (options.Get("precision") is { } precisionText && !TryParseName(precisionText, ["fp32", "fp16", "int4"], out precision))
        {
            return UsageError(error, $"--precision must be fp32, fp16 or int4; got '{precisionText}'");
        }

        var seed = DecoderForgeOptions.DefaultSeed;
        if (options.Get("seed") is { } seedText && !ulong.TryParse(seedText, NumberStyles.None, CultureInfo.InvariantCulture, out seed))
        {
            return UsageError(error, $"--seed must be a non-negative integer; got '{seedText}'");
        }

        var vocabSize = DecoderArchitecture.O200kVocabSize;
        if (options.Get("vocab-size") is { } vocabText
            && (!int.TryParse(vocabText, NumberStyles.None, CultureInfo.InvariantCulture, out vocabSize) || vocabSize < 2))
        {
            return UsageError(error, $"--vocab-size must be an integer of at least 2; got '{vocabText}'");
        }

        var forge = new DecoderForgeOptions
        {
            Size = size, Precision = precision, Seed = seed, VocabSize = vocabSize, FullLogits = options.IsSet("full-logits"),
        };
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var modelPath = LlamaDecoder.Write(directory, forge);
            var architecture = forge.Architecture();
            output.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Wrote {modelPath}, {GenAiConfig.FileName} and {EmbeddingModelConfig.FileName} ({Lower(size)} decoder, {Lower(precision)}, {architecture.ParameterCount:N0} parameters, vocabulary {vocabSize}, seed {seed}, {(forge.FullLogits ? "logits at every position" : "last-position logits")}) in {stopwatch.Elapsed.TotalSeconds:F1} s."));
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"kazgrpc {Name}: cannot write '{directory}': {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();

    private static bool TryParseName<T>(string text, string[] names, out T value)
        where T : struct, Enum
    {
        value = default;
        return names.Contains(text, StringComparer.Ordinal) && Enum.TryParse(text, ignoreCase: true, out value);
    }

    private int UsageError(TextWriter error, string message)
    {
        error.WriteLine($"kazgrpc {Name}: {message}");
        return ExitCodes.Usage;
    }
}
