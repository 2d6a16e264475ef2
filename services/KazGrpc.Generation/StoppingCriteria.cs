namespace KazGrpc.Generation;

/// <summary>When a sequence stops. Values are validated by the caller before they get here.</summary>
public sealed record StoppingCriteria
{
    /// <summary>Most tokens to generate; at least 1. Default 256.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>End-of-sequence and stop token ids cannot be generated before this many tokens; default 0.</summary>
    public int MinNewTokens { get; init; }

    /// <summary>The model's end-of-sequence ids: generating one ends the sequence with
    /// <see cref="FinishReason.Eos"/> (the id is not part of the output).</summary>
    public IReadOnlyList<int> EosTokenIds { get; init; } = [];

    /// <summary>Keep generating past end-of-sequence ids (they become ordinary output). Default false.</summary>
    public bool IgnoreEos { get; init; }

    /// <summary>Ids that end the sequence with <see cref="FinishReason.StopSequence"/> (the id is not part of the output).</summary>
    public IReadOnlyList<int> StopTokenIds { get; init; } = [];
}
