using System.Globalization;
using System.Text;

namespace KazGrpc.Bench.Text;

/// <summary>
/// Writes sentences of 20-60 words that a tokenizer has almost surely not seen: about 15% real
/// function words (repeated, as in real text), 3% numbers, 30% real stems joined with a random
/// syllable and random endings, and the rest pseudo-words of 1-4 syllables drawn from the
/// language's letter and syllable frequencies (with Kazakh vowel harmony). Deterministic for a
/// seed; not thread-safe (one instance per generating thread).
/// </summary>
internal sealed class TextSynthesizer(LanguageProfile profile, Random random)
{
    /// <summary>Fewest words in a sentence.</summary>
    public const int MinWords = 20;

    /// <summary>Most words in a sentence.</summary>
    public const int MaxWords = 60;

    /// <summary>How the text is made, for reports.</summary>
    public const string Method =
        "Synthetic sentences of 20-60 words from a seeded RNG, a new seed for every measurement of every run: "
        + "~15% real function words, ~3% numbers, ~30% real stems + a random syllable + random endings (Kazakh: 1-2 harmonised "
        + "suffixes), ~52% pseudo-words of 1-4 syllables drawn from each language's letter/syllable frequencies (Kazakh with "
        + "back/front vowel harmony); commas, capitals and end punctuation at realistic rates. Content words rarely repeat, so the "
        + "tokenizer's word cache mostly misses, as with unseen production text.";

    private const double FunctionWordShare = 0.15;
    private const double NumberShare = 0.03;
    private const double StemShare = 0.30;

    private readonly StringBuilder _sentence = new(512);
    private readonly StringBuilder _word = new(32);

    /// <summary>One new sentence.</summary>
    public string Sentence()
    {
        _sentence.Clear();
        var words = random.Next(MinWords, MaxWords + 1);
        for (var i = 0; i < words; i++)
        {
            if (i > 0)
            {
                _sentence.Append(' ');
            }

            var (word, content) = Word();
            if (i == 0 || (content && random.NextDouble() < 0.04))
            {
                // Sentence start or a proper name.
                _sentence.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
            }
            else
            {
                _sentence.Append(word);
            }

            if (i < words - 1)
            {
                var mark = random.NextDouble();
                if (mark < 0.07)
                {
                    _sentence.Append(',');
                }
                else if (mark < 0.08 && profile.Code != "en")
                {
                    _sentence.Append(" —");
                }
            }
        }

        var end = random.Next(100);
        _sentence.Append(end < 80 ? '.' : end < 92 ? '?' : '!');
        return _sentence.ToString();
    }

    private (string Word, bool Content) Word()
    {
        var kind = random.NextDouble();
        if (kind < FunctionWordShare)
        {
            return (profile.FunctionWords.Next(random), false);
        }

        if (kind < FunctionWordShare + NumberShare)
        {
            return (Number(), false);
        }

        _word.Clear();
        int harmony;
        int endings;
        if (kind < FunctionWordShare + NumberShare + StemShare)
        {
            // A real stem with a random syllable before or after it, so that the word is new.
            var stem = profile.Stems[random.Next(profile.Stems.Count)];
            harmony = profile.HarmonyOf(stem);
            if (random.NextDouble() < 0.3)
            {
                AppendSyllable(harmony);
                _word.Append(stem);
            }
            else
            {
                _word.Append(stem);
                AppendSyllable(harmony);
            }

            endings = profile.MaxEndings > 1 ? 1 + (random.NextDouble() < 0.25 ? 1 : 0) : (random.NextDouble() < 0.6 ? 1 : 0);
        }
        else
        {
            harmony = random.Next(profile.Vowels.Count);
            var syllables = random.Next(100) switch
            {
                < 30 => 1,
                < 75 => 2,
                < 95 => 3,
                _ => 4,
            };
            for (var s = 0; s < syllables; s++)
            {
                AppendSyllable(harmony);
            }

            endings = random.Next(100) switch
            {
                < 45 => 0,
                < 80 => 1,
                < 95 => 2,
                _ => 3,
            };
        }

        for (var e = 0; e < Math.Min(endings, profile.MaxEndings); e++)
        {
            _word.Append(profile.Endings[harmony].Next(random));
        }

        return (_word.ToString(), true);
    }

    private void AppendSyllable(int harmony)
    {
        _word.Append(profile.Harmonise(profile.Onsets.Next(random), harmony));
        _word.Append(profile.Vowels[harmony].Next(random));
        _word.Append(profile.Harmonise(profile.Codas.Next(random), harmony));
    }

    private string Number()
    {
        var culture = CultureInfo.InvariantCulture;
        return random.Next(10) switch
        {
            < 5 => random.Next(1, 100).ToString(culture),
            < 8 => random.Next(1990, 2031).ToString(culture),
            8 => random.Next(1_000, 1_000_000).ToString(culture),
            _ => string.Create(culture, $"{random.Next(0, 100)}{(profile.Code == "en" ? '.' : ',')}{random.Next(0, 100):D2}"),
        };
    }
}
