namespace KazGrpc.InferenceSvc.Tests;

/// <summary>Paths in the repository the tests run from.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>Build configuration of this test run (Debug or Release), so the same build of tokenizer-svc runs.</summary>
    public static string Configuration { get; } =
        AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Release" : "Debug";

    public static string TokenizerServiceDll => Path.Combine(Root, "tokenizer-svc", "bin", Configuration, "net10.0", "KazGrpc.TokenizerSvc.dll");

    /// <summary>The default models prepared by ./test.sh and ./run.sh (`kazgrpc models prepare`).</summary>
    public static string MiniLmDirectory
    {
        get
        {
            var directory = Path.Combine(Root, "models", "minilm");
            if (!File.Exists(Path.Combine(directory, "model.onnx")))
            {
                throw new InvalidOperationException(
                    $"{directory}/model.onnx is missing: ./test.sh prepares it (dotnet tools/KazGrpc.Tools/bin/<config>/net10.0/kazgrpc.dll models prepare)");
            }

            return directory;
        }
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "KazGrpc.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("KazGrpc.sln not found above " + AppContext.BaseDirectory);
    }
}
