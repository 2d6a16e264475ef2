namespace KazGrpc.TokenizerSvc.Tests;

internal static class Corpus
{
    public static IReadOnlyList<string> Lines { get; } =
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "corpus.txt")).Where(l => l.Length > 0).ToArray();

    public static string All { get; } = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "corpus.txt"));

    public static readonly string[] Samples =
    [
        "Қазақстан Республикасы — демократиялық мемлекет. Өтініш қабылданды!",
        "Республика Казахстан утверждает себя демократическим государством.",
        "The quick brown fox jumps over the lazy dog.",
        "Mixed: Сәлем, world! 🙂👍🏽🇰🇿 👨‍👩‍👧‍👦 Привет, әлем!\n\tTabs and  spaces.",
    ];
}
