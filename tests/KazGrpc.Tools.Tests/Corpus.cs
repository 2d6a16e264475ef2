namespace KazGrpc.Tools.Tests;

/// <summary>The shared multilingual test corpus (Kazakh, Russian, English, mixed, emoji).</summary>
internal static class Corpus
{
    public static IReadOnlyList<string> Lines { get; } =
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "corpus.txt"))
            .Where(l => l.Length > 0)
            .ToArray();
}
