using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Embeddings;

/// <summary>What the README says of all-MiniLM-L6-v2: it was trained on English, so the same
/// sentence in Russian or Kazakh lands far from its English form, farther than an unrelated English
/// sentence does. Serving Kazakh retrieval needs a multilingual encoder.</summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class MiniLmLanguageTests(SharedInferenceFixture fixture)
{
    private const string English = "The application has been accepted and will be reviewed within fifteen working days.";
    private const string Paraphrase = "Your request was received and will be processed in fifteen business days.";
    private const string Unrelated = "The cat is sleeping on the warm windowsill.";
    private const string Russian = "Заявление принято и будет рассмотрено в течение пятнадцати рабочих дней.";
    private const string Kazakh = "Өтініш қабылданды және он бес жұмыс күні ішінде қаралады.";

    [Fact]
    public async Task Embed_SameSentenceInRussianOrKazakh_FarFromItsEnglish()
    {
        var response = await fixture.Host.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { English, Paraphrase, Unrelated, Russian, Kazakh } }, cancellationToken: TestContext.Current.CancellationToken);
        var v = response.Embeddings.Select(e => e.Values.ToArray()).ToArray();
        var (paraphrase, unrelated, russian, kazakh) = (Cosine(v[0], v[1]), Cosine(v[0], v[2]), Cosine(v[0], v[3]), Cosine(v[0], v[4]));

        // Measured: paraphrase 0.653, unrelated 0.001, Russian 0.032, Kazakh 0.056; Russian to Kazakh 0.549.
        var message = $"paraphrase {paraphrase:F3}, unrelated {unrelated:F3}, Russian {russian:F3}, Kazakh {kazakh:F3}";
        Assert.True(paraphrase > 0.5, message);
        Assert.True(russian < 0.1 && kazakh < 0.1, message);

        // The two Cyrillic sentences are nearer each other than either is to its meaning in English: the script, not the sense.
        Assert.True(Cosine(v[3], v[4]) > 0.4, $"Russian to Kazakh {Cosine(v[3], v[4]):F3}");
    }

    private static double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
