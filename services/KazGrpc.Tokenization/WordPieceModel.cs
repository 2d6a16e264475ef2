namespace KazGrpc.Tokenization;

/// <summary>
/// Hugging Face's WordPiece model (greedy longest-match-first, <c>##</c> continuation pieces, one
/// <c>[UNK]</c> for a word that cannot be split or is too long) over a prefix trie, so that a word
/// costs one walk of at most the longest piece's length from each piece start instead of a hashed
/// lookup of every substring. Immutable once created: one instance serves every encoder of a
/// vocabulary, on any thread.
/// </summary>
/// <remarks>
/// Both tries share one array layout. Nodes are numbered breadth-first from two roots (0: pieces
/// that start a word, 1: continuation pieces without their prefix), children in ordinal order of
/// their character, so the children of node <c>n</c> are the nodes
/// <c>[_firstChild[n], _firstChild[n + 1])</c> and each node stores only the character that leads
/// to it and the id of the piece that ends there.
/// </remarks>
internal sealed class WordPieceModel
{
    private const int WordRoot = 0;
    private const int ContinuationRoot = 1;
    private const int NoPiece = -1;

    // Below this many children a linear scan beats a binary search; the roots have about a thousand.
    private const int LinearScanLimit = 16;

    private readonly char[] _label;
    private readonly int[] _firstChild;
    private readonly int[] _pieceId;

    private WordPieceModel(char[] label, int[] firstChild, int[] pieceId, int unknownId, int maxInputCharsPerWord)
    {
        _label = label;
        _firstChild = firstChild;
        _pieceId = pieceId;
        UnknownId = unknownId;
        MaxInputCharsPerWord = maxInputCharsPerWord;
    }

    /// <summary>Id of <c>[UNK]</c>, which stands for a word that cannot be split into pieces.</summary>
    public int UnknownId { get; }

    /// <summary>Longest word, in Unicode scalar values, that is split into pieces; a longer one is
    /// one <c>[UNK]</c>. Default 100, as Hugging Face's BERT.</summary>
    public int MaxInputCharsPerWord { get; }

    /// <summary>Builds the tries of <paramref name="tokens"/> (one token per id, as in <c>vocab.txt</c>).</summary>
    /// <param name="tokens">The vocabulary. A token that occurs twice keeps its last id, as Hugging
    /// Face's vocabulary map does; empty lines are no tokens.</param>
    /// <param name="unknownToken">Spelling of the unknown token; it must be in the vocabulary. Default <c>[UNK]</c>.</param>
    /// <param name="continuingSubwordPrefix">Prefix of pieces that continue a word. Default <c>##</c>.</param>
    /// <param name="maxInputCharsPerWord">See <see cref="MaxInputCharsPerWord"/>. Default 100.</param>
    public static WordPieceModel Create(IReadOnlyList<string> tokens, string unknownToken = "[UNK]",
        string continuingSubwordPrefix = "##", int maxInputCharsPerWord = 100)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentException.ThrowIfNullOrEmpty(unknownToken);
        ArgumentException.ThrowIfNullOrEmpty(continuingSubwordPrefix);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxInputCharsPerWord, 1);

        var builder = new TrieBuilder();
        int? unknownId = null;
        for (var id = 0; id < tokens.Count; id++)
        {
            var token = tokens[id];
            if (token.Length == 0)
            {
                continue;
            }

            if (string.Equals(token, unknownToken, StringComparison.Ordinal))
            {
                unknownId = id;
            }

            // Any token may start a word, "##ing" included, since Hugging Face looks the word's first
            // piece up as it is; only a prefixed token with something after the prefix continues one.
            builder.Add(WordRoot, token, id);
            if (token.Length > continuingSubwordPrefix.Length && token.StartsWith(continuingSubwordPrefix, StringComparison.Ordinal))
            {
                builder.Add(ContinuationRoot, token.AsSpan(continuingSubwordPrefix.Length), id);
            }
        }

        if (unknownId is not int unknown)
        {
            throw new ArgumentException($"The unknown token '{unknownToken}' is not in the vocabulary.", nameof(tokens));
        }

        var (label, firstChild, pieceId) = builder.Build();
        return new WordPieceModel(label, firstChild, pieceId, unknown, maxInputCharsPerWord);
    }

    /// <summary>
    /// Splits one word (normalised and pre-tokenized: no whitespace, not empty) into pieces and
    /// appends their ids and, when wanted, their spans.
    /// </summary>
    /// <param name="word">The word.</param>
    /// <param name="offset">Position of the word in the text that <paramref name="spans"/> refer to.</param>
    /// <param name="ids">Receives the ids, or <c>null</c> to only count them.</param>
    /// <param name="spans">Receives each piece's span (<c>[UNK]</c>: the whole word), or <c>null</c>.</param>
    /// <returns>The number of ids the word encodes to.</returns>
    public int EncodeWord(ReadOnlySpan<char> word, int offset, List<int>? ids, List<Range>? spans)
    {
        if (word.IsEmpty)
        {
            return 0;
        }

        if (word.Length > MaxInputCharsPerWord && ScalarCount(word) > MaxInputCharsPerWord)
        {
            return Unknown(word, offset, ids, spans);
        }

        var firstId = ids?.Count ?? 0;
        var firstSpan = spans?.Count ?? 0;
        var count = 0;
        var start = 0;
        while (start < word.Length)
        {
            // Walk as far as the trie follows the word, remembering the last node where a piece ends:
            // that is the longest piece from here, the one Hugging Face's shrinking search finds.
            var node = start == 0 ? WordRoot : ContinuationRoot;
            var end = start;
            var id = NoPiece;
            for (var i = start; i < word.Length; i++)
            {
                node = Child(node, word[i]);
                if (node < 0)
                {
                    break;
                }

                if (_pieceId[node] != NoPiece)
                {
                    id = _pieceId[node];
                    end = i + 1;
                }
            }

            if (id == NoPiece)
            {
                // No piece fits here: the whole word is one [UNK], the pieces found so far dropped.
                ids?.RemoveRange(firstId, ids.Count - firstId);
                spans?.RemoveRange(firstSpan, spans.Count - firstSpan);
                return Unknown(word, offset, ids, spans);
            }

            ids?.Add(id);
            spans?.Add((offset + start)..(offset + end));
            count++;
            start = end;
        }

        return count;
    }

    private int Unknown(ReadOnlySpan<char> word, int offset, List<int>? ids, List<Range>? spans)
    {
        ids?.Add(UnknownId);
        spans?.Add(offset..(offset + word.Length));
        return 1;
    }

    /// <summary>The child of <paramref name="node"/> reached by <paramref name="c"/>, or -1.</summary>
    private int Child(int node, char c)
    {
        var first = _firstChild[node];
        var count = _firstChild[node + 1] - first;
        var children = _label.AsSpan(first, count);
        var index = count <= LinearScanLimit ? children.IndexOf(c) : children.BinarySearch(c);
        return index < 0 ? -1 : first + index;
    }

    // Hugging Face counts a word's length in chars (Unicode scalar values), not UTF-16 units.
    private static int ScalarCount(ReadOnlySpan<char> word)
    {
        var count = word.Length;
        for (var i = 1; i < word.Length; i++)
        {
            if (char.IsLowSurrogate(word[i]) && char.IsHighSurrogate(word[i - 1]))
            {
                count--;
            }
        }

        return count;
    }

    /// <summary>A mutable trie, laid out breadth-first into arrays at the end.</summary>
    private sealed class TrieBuilder
    {
        private readonly List<SortedList<char, int>> _children = [[], []];
        private readonly List<int> _pieceId = [NoPiece, NoPiece];

        public void Add(int root, ReadOnlySpan<char> piece, int id)
        {
            var node = root;
            foreach (var c in piece)
            {
                if (!_children[node].TryGetValue(c, out var child))
                {
                    child = _children.Count;
                    _children.Add([]);
                    _pieceId.Add(NoPiece);
                    _children[node].Add(c, child);
                }

                node = child;
            }

            // A later duplicate wins, as in Hugging Face's vocabulary map.
            _pieceId[node] = id;
        }

        public (char[] Label, int[] FirstChild, int[] PieceId) Build()
        {
            var count = _children.Count;
            var label = new char[count];
            var firstChild = new int[count + 1];
            var pieceId = new int[count];
            var order = new int[count];
            order[0] = WordRoot;
            order[1] = ContinuationRoot;
            var placed = 2;
            for (var position = 0; position < count; position++)
            {
                var old = order[position];
                pieceId[position] = _pieceId[old];
                firstChild[position] = placed;
                foreach (var (c, child) in _children[old])
                {
                    label[placed] = c;
                    order[placed] = child;
                    placed++;
                }
            }

            firstChild[count] = placed;
            return (label, firstChild, pieceId);
        }
    }
}
