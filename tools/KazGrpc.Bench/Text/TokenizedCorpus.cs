using System.Text;
using KazGrpc.Tokenization;

namespace KazGrpc.Bench.Text;

/// <summary>
/// The texts of one run, made before anything is measured: Kazakh, Russian and English in equal
/// parts (<see cref="TextSynthesizer"/>'s sentences cut at a word boundary), each text's length in
/// tokens drawn log-uniformly between the bounds (many short queries, fewer long passages),
/// tokenized as tokenizer-svc tokenizes for Embed (framing included), in a seeded random order.
/// Every phase of the run takes its texts in that order, so the windows it compares see the same.
/// </summary>
internal static class TokenizedCorpus
{
    private const int ChunkTexts = 128;

    /// <summary>Makes <paramref name="count"/> texts of <paramref name="minTokens"/> to <paramref name="maxTokens"/> tokens
    /// (framing included; a text ends at a word, so it may fall a few tokens short of its length) with
    /// <paramref name="tokenizer"/> of <paramref name="service"/>.</summary>
    public static async Task<CorpusText[]> GenerateAsync(
        TokenizationService service, string tokenizer, int count, int minTokens, int maxTokens, ulong seed, CancellationToken cancellationToken)
    {
        var definition = service.GetTokenizer(tokenizer);
        var framing = definition.PrefixIds.Count + definition.SuffixIds.Count;
        var languages = LanguageProfiles.All;
        var texts = new string[count];
        Parallel.For(0, (count + ChunkTexts - 1) / ChunkTexts, new ParallelOptions { CancellationToken = cancellationToken }, chunk =>
        {
            // Each chunk has a seed and an encoder of its own: the texts do not depend on the thread.
            var random = new Random(Seeds.ToInt32(Seeds.Mix(seed, 0xC0, (ulong)chunk)));
            var synthesizers = languages.Select(l => new TextSynthesizer(l, new Random(random.Next()))).ToArray();
            var encoder = definition.CreateEncoder();
            for (var i = chunk * ChunkTexts; i < Math.Min(count, (chunk + 1) * ChunkTexts); i++)
            {
                var target = (int)Math.Floor(Math.Exp((random.NextDouble() * (Math.Log(maxTokens + 1) - Math.Log(minTokens))) + Math.Log(minTokens)));
                texts[i] = Fill(synthesizers[i % languages.Count], text => encoder.Count(text, allowSpecialTokens: false) + framing, Math.Clamp(target, minTokens, maxTokens));
            }
        });

        var inputs = new CorpusText[count];
        foreach (var start in Enumerable.Range(0, (count + 1023) / 1024).Select(s => s * 1024))
        {
            var slice = new ArraySegment<string>(texts, start, Math.Min(1024, count - start));
            var results = await service.TokenizeAsync(new TokenizeCommand { Tokenizer = tokenizer, Texts = slice, AddSpecialTokens = true }, cancellationToken);
            for (var i = 0; i < results.Length; i++)
            {
                var text = texts[start + i];
                inputs[start + i] = new CorpusText(text, results[i].Ids, Encoding.UTF8.GetByteCount(text), languages[(start + i) % languages.Count].Code);
            }
        }

        new Random(Seeds.ToInt32(Seeds.Mix(seed, 0x5F))).Shuffle(inputs);
        return inputs;
    }

    /// <summary>Words of fresh sentences, as many as fit in <paramref name="target"/> tokens (at least one).</summary>
    private static string Fill(TextSynthesizer synthesizer, Func<string, int> tokens, int target)
    {
        var words = new List<string>();
        do
        {
            words.AddRange(synthesizer.Sentence().Split(' '));
        }
        while (tokens(string.Join(' ', words)) < target);

        // The longest prefix that fits: token counts only grow with more words.
        var (low, high) = (1, words.Count);
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            (low, high) = tokens(string.Join(' ', words.Take(middle))) <= target ? (middle, high) : (low, middle - 1);
        }

        return string.Join(' ', words.Take(low));
    }
}
