namespace KazGrpc.Tokenization;

/// <summary>
/// Everything the service knows about one loaded tokenizer: its vocabulary facts, framing rules,
/// chat format, id-to-bytes table, and how to create an encoder for a worker. Immutable.
/// </summary>
public sealed class TokenizerDefinition
{
    /// <summary>Name callers use: a built-in encoding name or the model directory's name.</summary>
    public required string Name { get; init; }

    /// <summary>Algorithm family.</summary>
    public required TokenizerKind Kind { get; init; }

    /// <summary>Id-to-bytes table; also defines which ids are valid.</summary>
    public required TokenBytes Bytes { get; init; }

    /// <summary>Control tokens, ordered by id.</summary>
    public required IReadOnlyList<SpecialToken> SpecialTokens { get; init; }

    /// <summary>Creates an encoder for one worker; called once per pool slot (may take 0.4 s for large vocabularies).</summary>
    public required Func<TokenEncoder> CreateEncoder { get; init; }

    /// <summary>Longest sequence the model accepts, in tokens; 0 when unknown.</summary>
    public int MaxTokens { get; init; }

    /// <summary>Beginning-of-sequence id, if any.</summary>
    public int? BosId { get; init; }

    /// <summary>Ids that end generation.</summary>
    public IReadOnlyList<int> EosIds { get; init; } = [];

    /// <summary>Padding id, if any.</summary>
    public int? PadId { get; init; }

    /// <summary>Ids put before a text when framing tokens are asked for (BOS, [CLS]).</summary>
    public IReadOnlyList<int> PrefixIds { get; init; } = [];

    /// <summary>Ids put after a text when framing tokens are asked for ([SEP]).</summary>
    public IReadOnlyList<int> SuffixIds { get; init; } = [];

    /// <summary>The chat format ApplyChatTemplate renders.</summary>
    public ChatTemplateKind ChatTemplate { get; init; } = ChatTemplateKind.Plain;

    /// <summary>Number of ids: valid ids are [0, VocabSize), less holes.</summary>
    public int VocabSize => Bytes.Count;

    /// <summary>Id of a special token by spelling, or null.</summary>
    public int? FindSpecial(string content)
    {
        foreach (var token in SpecialTokens)
        {
            if (token.Content == content)
            {
                return token.Id;
            }
        }

        return null;
    }
}
