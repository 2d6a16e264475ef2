namespace KazGrpc.Bench;

/// <summary>What a sample of generated texts looks like (see <see cref="TextPool.Describe"/>).</summary>
/// <param name="SampleTexts">Texts in the sample.</param>
/// <param name="WordsPerText">Mean words per text.</param>
/// <param name="BytesPerText">Mean UTF-8 bytes per text.</param>
/// <param name="RepeatedWordShare">Share of word occurrences that repeat an earlier word of the sample.</param>
internal sealed record TextStatistics(int SampleTexts, double WordsPerText, double BytesPerText, double RepeatedWordShare);
