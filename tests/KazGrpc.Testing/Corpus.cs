namespace KazGrpc.Testing;

/// <summary>The shared multilingual test corpus (Kazakh, Russian, English, mixed, emoji), tests/TestData/corpus.txt.</summary>
public static class Corpus
{
    private static readonly string Path = System.IO.Path.Combine(AppContext.BaseDirectory, "TestData", "corpus.txt");

    /// <summary>The corpus's non-empty lines.</summary>
    public static IReadOnlyList<string> Lines { get; } = File.ReadAllLines(Path).Where(l => l.Length > 0).ToArray();

    /// <summary>The whole corpus as one text.</summary>
    public static string All { get; } = File.ReadAllText(Path);

    /// <summary>Short samples: Kazakh, Russian, English, and mixed text with emoji, tabs and newlines.</summary>
    public static IReadOnlyList<string> Samples { get; } =
    [
        "Қазақстан Республикасы — демократиялық мемлекет. Өтініш қабылданды!",
        "Республика Казахстан утверждает себя демократическим государством.",
        "The quick brown fox jumps over the lazy dog.",
        "Mixed: Сәлем, world! 🙂👍🏽🇰🇿 👨‍👩‍👧‍👦 Привет, әлем!\n\tTabs and  spaces.",
    ];
}
