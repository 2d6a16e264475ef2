using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using KazGrpc.ModelForge;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Forge;

/// <summary>
/// <c>kazgrpc forge decoder --out DIR [--size tiny|bench] [--precision fp32|fp16|int4] [--seed N]
/// [--vocab-size N] [--full-logits]</c>: writes a Llama-class decoder (<see cref="LlamaDecoder"/>) with
/// deterministic weights, its <c>genai_config.json</c> and its <c>kazgrpc.json</c>.
/// </summary>
internal sealed class ForgeDecoderCommand : Command
{
    private readonly Option<string> _out = new("--out") { Description = "model directory, created if missing", HelpName = "DIR", Required = true };

    private readonly Option<string> _size = new("--size")
    {
        Description = "tiny: 2 layers, hidden 64 (tests); bench: 4 layers, hidden 256, ~105M parameters",
        DefaultValueFactory = _ => "tiny",
    };

    private readonly Option<string> _precision = new("--precision")
    {
        Description = "weights and activations; int4 is MatMulNBits with fp32 activations",
        DefaultValueFactory = _ => "fp32",
    };

    private readonly Option<ulong> _seed = CliOptions.Number(
        "--seed", "seed of the weights; the same seed writes the same bytes", "N", DecoderForgeOptions.DefaultSeed, _ => true, "a non-negative integer");

    private readonly Option<int> _vocabSize = CliOptions.Number(
        "--vocab-size", "token ids (o200k_base's, the paired tokenizer, by default)", "N", DecoderArchitecture.O200kVocabSize, v => v >= 2, "an integer of at least 2");

    private readonly Option<bool> _fullLogits = new("--full-logits") { Description = "logits for every position, not only each sequence's last" };
    private readonly Option<bool> _json = CliOptions.Json();

    public ForgeDecoderCommand()
        : base("decoder", "write a Llama-class decoder with seeded weights (model.onnx, genai_config.json, kazgrpc.json)")
    {
        _size.AcceptOnlyFromAmong("tiny", "bench");
        _precision.AcceptOnlyFromAmong("fp32", "fp16", "int4");
        Options.Add(_out);
        Options.Add(_size);
        Options.Add(_precision);
        Options.Add(_seed);
        Options.Add(_vocabSize);
        Options.Add(_fullLogits);
        Options.Add(_json);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var terminal = new Terminal(parse);
        var directory = parse.GetValue(_out)!;
        var forge = new DecoderForgeOptions
        {
            Size = Enum.Parse<DecoderSize>(parse.GetValue(_size)!, ignoreCase: true),
            Precision = Enum.Parse<DecoderPrecision>(parse.GetValue(_precision)!, ignoreCase: true),
            Seed = parse.GetValue(_seed),
            VocabSize = parse.GetValue(_vocabSize),
            FullLogits = parse.GetValue(_fullLogits),
        };
        try
        {
            var stopwatch = Stopwatch.StartNew();
            var modelPath = LlamaDecoder.Write(directory, forge);
            var parameters = forge.Architecture().ParameterCount;
            if (parse.GetValue(_json))
            {
                JsonOutput.Write(terminal.Out, new JsonObject
                {
                    ["model"] = modelPath,
                    ["size"] = Lower(forge.Size),
                    ["precision"] = Lower(forge.Precision),
                    ["parameters"] = parameters,
                    ["vocabSize"] = forge.VocabSize,
                    ["seed"] = forge.Seed,
                    ["fullLogits"] = forge.FullLogits,
                });
            }
            else
            {
                terminal.Out.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Wrote {modelPath}, {GenAiConfig.FileName} and {EmbeddingModelConfig.FileName} ({Lower(forge.Size)} decoder, {Lower(forge.Precision)}, {parameters:N0} parameters, vocabulary {forge.VocabSize}, seed {forge.Seed}, {(forge.FullLogits ? "logits at every position" : "last-position logits")}) in {stopwatch.Elapsed.TotalSeconds:F1} s."));
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            terminal.Error.WriteLine($"{terminal.CommandPath}: cannot write '{directory}': {e.Message}");
            return ExitCodes.Failure;
        }
    }

    private static string Lower<T>(T value)
        where T : struct, Enum => value.ToString().ToLowerInvariant();
}
