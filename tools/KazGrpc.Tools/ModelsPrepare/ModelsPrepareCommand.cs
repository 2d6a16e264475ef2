using KazGrpc.ModelForge;

namespace KazGrpc.Tools.ModelsPrepare;

/// <summary>
/// <c>kazgrpc models prepare [--models-dir models]</c>: puts the default models into the models
/// directory: the MiniLM embedding model (see <see cref="MiniLmFiles"/>) and the forged tiny
/// decoder <c>kaz-tiny</c> (o200k_base; random weights, so its text is noise), so that Embed and
/// Generate work out of the box. <c>./run.sh</c> and <c>./test.sh</c> call it on every start, so it
/// does nothing when the files are there.
/// </summary>
internal sealed class ModelsPrepareCommand : IToolCommand
{
    private static readonly string[] OptionNames = ["models-dir"];

    public string Name => "models prepare";

    /// <summary>Directory name of the default generation model.</summary>
    public const string GenerationModel = "kaz-tiny";

    public string Summary => "extract the MiniLM embedding model and forge the kaz-tiny decoder into the models directory (once)";

    public string Usage => "  --models-dir <dir>   models directory (default: models); the models go to <dir>/minilm and <dir>/kaz-tiny";

    public int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CommandLineOptions.Parse(args, OptionNames, out var usageError);
        if (options is null)
        {
            error.WriteLine($"kazgrpc {Name}: {usageError}");
            return ExitCodes.Usage;
        }

        var root = options.Get("models-dir") ?? "models";
        var directory = Path.Combine(root, MiniLmFiles.DirectoryName);
        try
        {
            foreach (var (path, written) in MiniLmFiles.Prepare(directory))
            {
                output.WriteLine(written
                    ? $"{path}: written ({new FileInfo(path).Length:N0} bytes)"
                    : $"{path}: present");
            }

            var decoder = Path.Combine(root, GenerationModel);
            if (File.Exists(Path.Combine(decoder, GenAiConfig.FileName)) && File.Exists(Path.Combine(decoder, ModelWriter.ModelFileName)))
            {
                output.WriteLine($"{decoder}: present");
            }
            else
            {
                LlamaDecoder.Write(decoder, new DecoderForgeOptions());
                output.WriteLine($"{decoder}: forged (tiny Llama-class decoder for o200k_base; random weights, its text is noise)");
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            error.WriteLine($"kazgrpc {Name}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
