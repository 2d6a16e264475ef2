using System.Text;
using KazGrpc.Tokenization;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// The inputs of one run, made before anything is measured: Kazakh, Russian and English text in
/// equal parts (<see cref="TextSynthesizer"/>'s sentences, cut at a word boundary), each input's
/// length in tokens drawn log-uniformly between the minimum and the maximum (many short queries,
/// fewer long passages), tokenized exactly as tokenizer-svc tokenizes for Embed (framing included),
/// in a seeded random order. Every phase of the run draws from it in that order, so the served,
/// in-process and overhead runs see the same inputs.
/// </summary>
internal sealed class EmbedCorpus
{
    /// <summary>How the corpus is made, for reports.</summary>
    public const string Method =
        "kk, ru and en in equal parts; per input a token length drawn log-uniformly in [min, max] (framing included), "
        + "filled with synthetic sentences (see tokenize's text method) cut at the last word that fits; "
        + "ids from the model's tokenizer with [CLS]/[SEP], as tokenizer-svc returns them for Embed; shuffled with the run's seed.";

    private const int ChunkTexts = 128;
    private static readonly Language[] Languages = [Language.Kazakh, Language.Russian, Language.English];

    private EmbedCorpus(EmbedInput[] inputs)
    {
        Inputs = inputs;
    }

    /// <summary>The inputs, in the order every phase takes them.</summary>
    public IReadOnlyList<EmbedInput> Inputs { get; }

    /// <summary>Makes <paramref name="count"/> inputs with <paramref name="tokenizer"/> of <paramref name="service"/>.</summary>
    public static async Task<EmbedCorpus> GenerateAsync(
        TokenizationService service, string tokenizer, int count, int minTokens, int maxTokens, ulong seed, CancellationToken cancellationToken)
    {
        var definition = service.GetTokenizer(tokenizer);
        var framing = definition.PrefixIds.Count + definition.SuffixIds.Count;
        var texts = new string[count];
        var languages = new Language[count];
        var chunks = (count + ChunkTexts - 1) / ChunkTexts;
        Parallel.For(0, chunks, new ParallelOptions { CancellationToken = cancellationToken }, chunk =>
        {
            // Chunks have seeds and encoders of their own: the texts do not depend on the thread.
            var random = new Random(Seeds.ToInt32(Seeds.Mix(seed, 0xC0, (ulong)chunk)));
            var synthesizers = Languages.Select(l => new TextSynthesizer(LanguageProfiles.For(l), new Random(random.Next()))).ToArray();
            var encoder = definition.CreateEncoder();
            var end = Math.Min(count, (chunk + 1) * ChunkTexts);
            for (var i = chunk * ChunkTexts; i < end; i++)
            {
                var language = i % Languages.Length;
                var target = (int)Math.Floor(Math.Exp(random.NextDouble() * (Math.Log(maxTokens + 1) - Math.Log(minTokens)) + Math.Log(minTokens)));
                target = Math.Clamp(target, minTokens, maxTokens);
                languages[i] = Languages[language];
                texts[i] = Fill(synthesizers[language], text => encoder.Count(text, allowSpecialTokens: false) + framing, target);
            }
        });

        var ids = new int[count][];
        for (var start = 0; start < count; start += 1024)
        {
            var slice = new ArraySegment<string>(texts, start, Math.Min(1024, count - start));
            var results = await service.TokenizeAsync(new TokenizeCommand { Tokenizer = tokenizer, Texts = slice, AddSpecialTokens = true }, cancellationToken);
            for (var i = 0; i < results.Length; i++)
            {
                ids[start + i] = results[i].Ids;
            }
        }

        var inputs = new EmbedInput[count];
        for (var i = 0; i < count; i++)
        {
            inputs[i] = new EmbedInput(texts[i], ids[i], Encoding.UTF8.GetByteCount(texts[i]), LanguageProfiles.For(languages[i]).Code);
        }

        new Random(Seeds.ToInt32(Seeds.Mix(seed, 0x5F))).Shuffle(inputs);
        return new EmbedCorpus(inputs);
    }

    /// <summary>Length statistics and an example per language.</summary>
    public CorpusStatistics Describe()
    {
        var lengths = Inputs.Select(i => i.Ids.Length).Order().ToArray();
        var ranges = new SortedDictionary<int, int>();
        foreach (var length in lengths)
        {
            // 8-16, 17-32, 33-64, ...: doubling ranges, a coarse view of the corpus (the batcher's buckets are finer).
            var upper = 16;
            while (length > upper)
            {
                upper *= 2;
            }

            ranges[upper] = ranges.GetValueOrDefault(upper) + 1;
        }

        return new CorpusStatistics(
            lengths.Length,
            lengths.Average(),
            BenchSummary.Median(lengths.Select(l => (double)l)),
            lengths[0],
            lengths[^1],
            Inputs.Average(i => i.Bytes),
            Inputs.GroupBy(i => i.Language).OrderBy(g => Array.FindIndex(Languages, l => LanguageProfiles.For(l).Code == g.Key))
                .ToDictionary(g => g.Key, g => g.Average(i => i.Ids.Length), StringComparer.Ordinal),
            ranges.ToDictionary(kv => kv.Key == 16 ? "<=16" : $"{(kv.Key / 2) + 1}-{kv.Key}", kv => (double)kv.Value / lengths.Length, StringComparer.Ordinal));
    }

    /// <summary>Words of fresh sentences, as many as fit in <paramref name="target"/> tokens (at least one).</summary>
    private static string Fill(TextSynthesizer synthesizer, Func<string, int> tokens, int target)
    {
        var words = new List<string>();
        while (true)
        {
            words.AddRange(synthesizer.Sentence().Split(' '));
            if (tokens(string.Join(' ', words)) >= target)
            {
                break;
            }
        }

        // The largest prefix that fits: token counts only grow with more words.
        var low = 1;
        var high = words.Count;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            if (tokens(string.Join(' ', words.Take(middle))) <= target)
            {
                low = middle;
            }
            else
            {
                high = middle - 1;
            }
        }

        return string.Join(' ', words.Take(low));
    }
}
