using System.CommandLine;
using System.Text.Json.Nodes;
using KazGrpc.ModelForge;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.ModelsPrepare;

/// <summary>
/// <c>kazgrpc models prepare [--models-dir models]</c>: puts the default models into the models
/// directory: the MiniLM embedding model (see <see cref="MiniLmFiles"/>) and the forged tiny
/// decoder <c>kaz-tiny</c> (o200k_base; random weights, so its text is noise), so that Embed and
/// Generate work out of the box. <c>./run.sh</c> and <c>./test.sh</c> call it on every start, so it
/// does nothing when the files are there.
/// </summary>
internal sealed class ModelsPrepareCommand : Command
{
    /// <summary>Directory name of the default generation model.</summary>
    public const string GenerationModel = "kaz-tiny";

    private readonly Option<string> _modelsDir = new("--models-dir")
    {
        Description = "models directory; the models go to DIR/minilm and DIR/kaz-tiny",
        HelpName = "DIR",
        DefaultValueFactory = _ => "models",
    };

    private readonly Option<bool> _json = CliOptions.Json();

    public ModelsPrepareCommand()
        : base("prepare", "extract the MiniLM embedding model and forge the kaz-tiny decoder into the models directory (once)")
    {
        Options.Add(_modelsDir);
        Options.Add(_json);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var terminal = new Terminal(parse);
        var root = parse.GetValue(_modelsDir)!;
        var json = parse.GetValue(_json);
        var directory = Path.Combine(root, MiniLmFiles.DirectoryName);
        try
        {
            var files = new JsonArray();
            foreach (var (path, written) in MiniLmFiles.Prepare(directory))
            {
                files.Add(new JsonObject { ["path"] = path, ["written"] = written });
                if (!json)
                {
                    terminal.Out.WriteLine(written ? $"{path}: written ({new FileInfo(path).Length:N0} bytes)" : $"{path}: present");
                }
            }

            var decoder = Path.Combine(root, GenerationModel);
            var present = File.Exists(Path.Combine(decoder, GenAiConfig.FileName)) && File.Exists(Path.Combine(decoder, ModelWriter.ModelFileName));
            if (!present)
            {
                LlamaDecoder.Write(decoder, new DecoderForgeOptions());
            }

            if (json)
            {
                JsonOutput.Write(terminal.Out, new JsonObject
                {
                    ["modelsDir"] = root,
                    ["files"] = files,
                    ["decoder"] = new JsonObject { ["path"] = decoder, ["forged"] = !present },
                });
            }
            else
            {
                terminal.Out.WriteLine(present ? $"{decoder}: present" : $"{decoder}: forged (tiny Llama-class decoder for o200k_base; random weights, its text is noise)");
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            terminal.Error.WriteLine($"{terminal.CommandPath}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
