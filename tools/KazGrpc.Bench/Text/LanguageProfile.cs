namespace KazGrpc.Bench.Text;

/// <summary>
/// What <see cref="TextSynthesizer"/> needs to write plausible, never-seen text in one language:
/// letter and syllable inventories with rough frequencies, real word stems, inflectional endings and
/// a few function words. Items in a <see cref="WeightedChoice"/> spelled <c>-</c> stand for nothing
/// (an empty onset, coda or ending).
/// </summary>
internal sealed class LanguageProfile
{
    /// <summary>ISO 639-1 code, as printed in tables (<c>kk</c>, <c>ru</c>, <c>en</c>).</summary>
    public required string Code { get; init; }

    /// <summary>Short frequent words that real text repeats (and a tokenizer's cache therefore holds in production too).</summary>
    public required WeightedChoice FunctionWords { get; init; }

    /// <summary>Real content-word stems; always combined with a synthesised syllable and an ending, so the words stay new.</summary>
    public required IReadOnlyList<string> Stems { get; init; }

    /// <summary>Syllable onsets (consonants and clusters).</summary>
    public required WeightedChoice Onsets { get; init; }

    /// <summary>Syllable codas.</summary>
    public required WeightedChoice Codas { get; init; }

    /// <summary>Vowels (nuclei) per harmony class; one class for languages without vowel harmony.</summary>
    public required IReadOnlyList<WeightedChoice> Vowels { get; init; }

    /// <summary>Endings per harmony class, parallel to <see cref="Vowels"/>.</summary>
    public required IReadOnlyList<WeightedChoice> Endings { get; init; }

    /// <summary>Most endings stacked on one word (Kazakh is agglutinative: 3; Russian and English: 1).</summary>
    public required int MaxEndings { get; init; }

    /// <summary>Harmony class of a stem, from its letters; 0 without vowel harmony.</summary>
    public Func<string, int> HarmonyOf { get; init; } = static _ => 0;

    /// <summary>Rewrites a consonant for a harmony class (Kazakh: қ/ғ in back words, к/г in front ones); identity by default.</summary>
    public Func<string, int, string> Harmonise { get; init; } = static (consonant, _) => consonant;
}
