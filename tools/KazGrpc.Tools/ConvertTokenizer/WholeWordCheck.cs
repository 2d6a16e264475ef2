namespace KazGrpc.Tools.ConvertTokenizer;

/// <summary>
/// Whether plain BPE reproduces Hugging Face's <c>ignore_merges</c>: with it, a pre-token that is
/// itself in the vocabulary becomes that one token without merging, which Microsoft.ML.Tokenizers
/// cannot do. The two agree exactly when merging each vocabulary token's characters ends in the
/// token itself, which this checks.
/// </summary>
internal static class WholeWordCheck
{
    /// <summary>The tokens (at most <paramref name="limit"/>) that merging does not reach whole.</summary>
    public static IReadOnlyList<string> FindUnreachable(
        IReadOnlyDictionary<string, int> vocab, IReadOnlyList<(string Left, string Right)> merges, IReadOnlySet<string> skip, int limit)
    {
        var ranks = new Dictionary<(string, string), int>(merges.Count);
        for (var rank = 0; rank < merges.Count; rank++)
        {
            ranks.TryAdd(merges[rank], rank);
        }

        var unreachable = new List<string>();
        var symbols = new List<string>();
        foreach (var token in vocab.Keys)
        {
            if (token.Length < 2 || skip.Contains(token))
            {
                continue;
            }

            symbols.Clear();
            symbols.AddRange(token.Select(c => c.ToString()));
            Merge(symbols, ranks);
            if (symbols.Count != 1)
            {
                unreachable.Add(token);
                if (unreachable.Count >= limit)
                {
                    break;
                }
            }
        }

        return unreachable;
    }

    /// <summary>BPE as Hugging Face applies it: the best-ranked pair first, the leftmost among equals.</summary>
    private static void Merge(List<string> symbols, Dictionary<(string, string), int> ranks)
    {
        while (symbols.Count > 1)
        {
            var best = -1;
            var bestRank = int.MaxValue;
            for (var i = 0; i + 1 < symbols.Count; i++)
            {
                if (ranks.TryGetValue((symbols[i], symbols[i + 1]), out var rank) && rank < bestRank)
                {
                    best = i;
                    bestRank = rank;
                }
            }

            if (best < 0)
            {
                return;
            }

            symbols[best] = string.Concat(symbols[best], symbols[best + 1]);
            symbols.RemoveAt(best + 1);
        }
    }
}
