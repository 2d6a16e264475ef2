using System.Text;

namespace KazGrpc.Bench.Text;

/// <summary>Texts made before a window, so that making them costs the window nothing.</summary>
internal static class TextPool
{
    private const int ChunkTexts = 256;

    /// <summary><paramref name="count"/> new sentences in batches of <paramref name="batchSize"/>, made on all
    /// cores; the same seed gives the same texts.</summary>
    public static TextBatch[] Generate(LanguageProfile profile, ulong seed, int count, int batchSize, CancellationToken cancellationToken)
    {
        var texts = new string[count];
        Parallel.For(0, (count + ChunkTexts - 1) / ChunkTexts, new ParallelOptions { CancellationToken = cancellationToken }, chunk =>
        {
            // Each chunk has a seed of its own, so the texts do not depend on which thread made them.
            var synthesizer = new TextSynthesizer(profile, new Random(Seeds.ToInt32(Seeds.Mix(seed, (ulong)chunk))));
            for (var i = chunk * ChunkTexts; i < Math.Min(count, (chunk + 1) * ChunkTexts); i++)
            {
                texts[i] = synthesizer.Sentence();
            }
        });
        return [.. texts.Chunk(batchSize).Select(batch => new TextBatch(batch, batch.Sum(t => (long)Encoding.UTF8.GetByteCount(t))))];
    }
}
