namespace KazGrpc.Generation;

/// <summary>Why a sequence stopped generating.</summary>
public enum FinishReason
{
    /// <summary><see cref="StoppingCriteria.MaxNewTokens"/> tokens were generated, or the sequence's KV row is full.</summary>
    Length = 1,

    /// <summary>A stop token id was generated, or the caller found a stop string in the text.</summary>
    StopSequence = 2,

    /// <summary>The model generated one of its end-of-sequence ids.</summary>
    Eos = 3,

    /// <summary>The request was aborted.</summary>
    Aborted = 4,
}
