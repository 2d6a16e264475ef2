namespace KazGrpc.Bench.Embed;

/// <summary>What the corpus of a run looks like, in tokens with framing.</summary>
/// <param name="Texts">Inputs in the corpus.</param>
/// <param name="MeanTokens">Mean tokens per input.</param>
/// <param name="MedianTokens">Median tokens per input.</param>
/// <param name="MinTokens">Fewest tokens of an input.</param>
/// <param name="MaxTokens">Most tokens of an input.</param>
/// <param name="MeanBytes">Mean UTF-8 bytes per input.</param>
/// <param name="MeanTokensByLanguage">Mean tokens per input, by language code.</param>
/// <param name="ShareByLength">Share of inputs per length range (<c>&lt;=16</c>, <c>17-32</c>, <c>33-64</c>, <c>65-128</c>, ...).</param>
internal sealed record CorpusStatistics(
    int Texts,
    double MeanTokens,
    double MedianTokens,
    int MinTokens,
    int MaxTokens,
    double MeanBytes,
    IReadOnlyDictionary<string, double> MeanTokensByLanguage,
    IReadOnlyDictionary<string, double> ShareByLength);
