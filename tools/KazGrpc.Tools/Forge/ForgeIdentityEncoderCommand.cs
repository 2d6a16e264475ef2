using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using KazGrpc.ModelForge;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Forge;

/// <summary>
/// <c>kazgrpc forge identity-encoder --out DIR [--dimensions N] [--tokenizer NAME]</c>: writes the
/// forge's near-free encoder (<see cref="IdentityEncoder"/>), with MiniLM's inputs and output, and its
/// <c>kazgrpc.json</c>, for measuring serving overhead.
/// </summary>
internal sealed class ForgeIdentityEncoderCommand : Command
{
    private readonly Option<string> _out = new("--out") { Description = "model directory, created if missing", HelpName = "DIR", Required = true };

    private readonly Option<int> _dimensions =
        CliOptions.Number("--dimensions", "embedding length", "N", IdentityEncoder.DefaultDimensions, d => d > 0, "a positive integer");

    private readonly Option<string> _tokenizer = new("--tokenizer")
    {
        Description = "tokenizer named in kazgrpc.json",
        HelpName = "NAME",
        DefaultValueFactory = _ => IdentityEncoder.DefaultTokenizer,
    };

    private readonly Option<bool> _json = CliOptions.Json();

    public ForgeIdentityEncoderCommand()
        : base("identity-encoder", "write the near-free identity encoder (model.onnx, kazgrpc.json) for overhead benchmarks")
    {
        Options.Add(_out);
        Options.Add(_dimensions);
        Options.Add(_tokenizer);
        Options.Add(_json);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var terminal = new Terminal(parse);
        var directory = parse.GetValue(_out)!;
        var dimensions = parse.GetValue(_dimensions);
        var tokenizer = parse.GetValue(_tokenizer)!;
        try
        {
            var modelPath = IdentityEncoder.Write(directory, dimensions, tokenizer);
            if (parse.GetValue(_json))
            {
                JsonOutput.Write(terminal.Out, new JsonObject { ["model"] = modelPath, ["dimensions"] = dimensions, ["tokenizer"] = tokenizer });
            }
            else
            {
                terminal.Out.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"Wrote {modelPath} and {EmbeddingModelConfig.FileName} (identity encoder, {dimensions} dimensions, tokenizer '{tokenizer}')."));
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            terminal.Error.WriteLine($"{terminal.CommandPath}: cannot write '{directory}': {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
