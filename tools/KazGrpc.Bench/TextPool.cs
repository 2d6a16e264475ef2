using System.Text;

namespace KazGrpc.Bench;

/// <summary>
/// Texts generated before a measurement (so that generating them costs the measurement nothing),
/// handed out once each in batches to any number of concurrent callers. A repeating pool cycles a
/// small set instead, to show what the tokenizer's word cache does to repeated text.
/// </summary>
internal sealed class TextPool
{
    private const int ChunkTexts = 256;

    private readonly string[] _texts;
    private readonly int[] _bytes;
    private readonly bool _repeat;
    private long _next;

    private TextPool(string[] texts, bool repeat)
    {
        _texts = texts;
        _repeat = repeat;
        _bytes = new int[texts.Length];
        for (var i = 0; i < texts.Length; i++)
        {
            _bytes[i] = Encoding.UTF8.GetByteCount(texts[i]);
            TotalBytes += _bytes[i];
        }
    }

    /// <summary>Number of distinct texts.</summary>
    public int Count => _texts.Length;

    /// <summary>UTF-8 bytes of all distinct texts.</summary>
    public long TotalBytes { get; }

    /// <summary>Texts handed out so far.</summary>
    public long Taken => Math.Min(Interlocked.Read(ref _next), _repeat ? long.MaxValue : _texts.Length);

    /// <summary>Generates <paramref name="count"/> sentences on all cores; the same seed gives the same texts.</summary>
    public static TextPool Generate(LanguageProfile profile, ulong seed, int count, CancellationToken cancellationToken)
    {
        var texts = new string[count];
        var chunks = (count + ChunkTexts - 1) / ChunkTexts;
        Parallel.For(0, chunks, new ParallelOptions { CancellationToken = cancellationToken }, chunk =>
        {
            // Chunks have seeds of their own, so the texts do not depend on which thread made them.
            var synthesizer = new TextSynthesizer(profile, new Random(Seeds.ToInt32(Seeds.Mix(seed, (ulong)chunk))));
            var end = Math.Min(count, (chunk + 1) * ChunkTexts);
            for (var i = chunk * ChunkTexts; i < end; i++)
            {
                texts[i] = synthesizer.Sentence();
            }
        });
        return new TextPool(texts, repeat: false);
    }

    /// <summary>A pool that hands out the same <paramref name="count"/> texts over and over.</summary>
    public static TextPool Repeating(LanguageProfile profile, ulong seed, int count)
    {
        var synthesizer = new TextSynthesizer(profile, new Random(Seeds.ToInt32(seed)));
        var texts = new string[count];
        for (var i = 0; i < count; i++)
        {
            texts[i] = synthesizer.Sentence();
        }

        return new TextPool(texts, repeat: true);
    }

    /// <summary>Takes the next <paramref name="count"/> texts; false when a non-repeating pool has run out.</summary>
    public bool TryTake(int count, out TextBatch batch)
    {
        var start = Interlocked.Add(ref _next, count) - count;
        if (_repeat)
        {
            var batches = Math.Max(1, _texts.Length / count);
            start = start / count % batches * count;
        }
        else if (start + count > _texts.Length)
        {
            batch = default;
            return false;
        }

        var length = Math.Min(count, _texts.Length);
        long bytes = 0;
        for (var i = 0; i < length; i++)
        {
            bytes += _bytes[start + i];
        }

        batch = new TextBatch(new ArraySegment<string>(_texts, (int)start, length), bytes);
        return true;
    }

    /// <summary>
    /// Word statistics of the first <paramref name="sampleTexts"/> texts: words per text, UTF-8
    /// bytes per text, and the share of word occurrences that repeat an earlier word of the sample
    /// (an upper bound on what the tokenizer's word cache can hit within a measurement).
    /// </summary>
    public TextStatistics Describe(int sampleTexts)
    {
        var sample = Math.Min(sampleTexts, _texts.Length);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        long words = 0;
        long repeats = 0;
        long bytes = 0;
        for (var i = 0; i < sample; i++)
        {
            bytes += _bytes[i];
            foreach (var raw in _texts[i].Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                var word = raw.Trim(',', '.', '?', '!', '—').ToLowerInvariant();
                if (word.Length == 0)
                {
                    continue;
                }

                words++;
                if (!seen.Add(word))
                {
                    repeats++;
                }
            }
        }

        return new TextStatistics(
            SampleTexts: sample,
            WordsPerText: sample == 0 ? 0 : (double)words / sample,
            BytesPerText: sample == 0 ? 0 : (double)bytes / sample,
            RepeatedWordShare: words == 0 ? 0 : (double)repeats / words);
    }
}
