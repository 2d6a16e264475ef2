namespace KazGrpc.Launcher;

/// <summary>Paths in the KazGrpc checkout that a tool or test runs from.</summary>
public static class RepositoryPaths
{
    private static readonly Lazy<string> LazyRoot = new(FindRoot);

    /// <summary>The directory holding <c>KazGrpc.sln</c>: above the working directory, else above
    /// this assembly. Throws <see cref="InvalidOperationException"/> when neither has it.</summary>
    public static string Root => LazyRoot.Value;

    /// <summary>The build configuration (<c>Debug</c> or <c>Release</c>) this assembly was built in,
    /// so that a test or tool starts the services of the same build.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    /// <summary>tokenizer-svc's built entry assembly.</summary>
    public static string TokenizerServiceDll => Path.Combine(Root, "tokenizer-svc", "bin", Configuration, "net10.0", "KazGrpc.TokenizerSvc.dll");

    /// <summary>inference-svc's built entry assembly.</summary>
    public static string InferenceServiceDll => Path.Combine(Root, "inference-svc", "bin", Configuration, "net10.0", "KazGrpc.InferenceSvc.dll");

    /// <summary>The default models directory that <c>kazgrpc models prepare</c> fills (<c>models/</c>).</summary>
    public static string ModelsDirectory => Path.Combine(Root, "models");

    private static string FindRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
            {
                if (File.Exists(Path.Combine(directory.FullName, "KazGrpc.sln")))
                {
                    return directory.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"KazGrpc.sln is neither above the working directory ({Directory.GetCurrentDirectory()}) nor above {AppContext.BaseDirectory}; run from the repository");
    }
}
