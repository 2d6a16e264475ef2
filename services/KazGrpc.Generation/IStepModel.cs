namespace KazGrpc.Generation;

/// <summary>
/// A decoder as the scheduler drives it: a KV cache of <see cref="MaxSlots"/> rows, each holding up
/// to <see cref="MaxSequenceLength"/> positions, and two kinds of step. Calls come from one thread
/// at a time (the scheduler's loop). The logits a step returns belong to the model and stay valid
/// until its next call.
/// </summary>
public interface IStepModel
{
    /// <summary>Number of logits per position (the vocabulary size).</summary>
    int VocabSize { get; }

    /// <summary>Rows of the KV cache: the most sequences that hold context at once.</summary>
    int MaxSlots { get; }

    /// <summary>Most positions (prompt plus generated tokens) one row holds.</summary>
    int MaxSequenceLength { get; }

    /// <summary>
    /// Appends <paramref name="tokens"/> to the context of row <paramref name="slot"/>, which holds
    /// <paramref name="pastLength"/> positions, as a batch of one (a prefill chunk), and returns the
    /// logits of the chunk's last position (<see cref="VocabSize"/> floats).
    /// </summary>
    ReadOnlyMemory<float> Prefill(int slot, int pastLength, ReadOnlySpan<int> tokens);

    /// <summary>
    /// Appends one token to each of rows 0..n-1 (n = <paramref name="tokens"/>.Length), whose
    /// contexts hold <paramref name="pastLengths"/>[i] positions, as one batch, and returns their
    /// logits, row-major: n times <see cref="VocabSize"/> floats.
    /// </summary>
    ReadOnlyMemory<float> Decode(ReadOnlySpan<int> tokens, ReadOnlySpan<int> pastLengths);

    /// <summary>Copies the first <paramref name="length"/> positions of row <paramref name="source"/>
    /// into row <paramref name="destination"/> (the scheduler keeps running rows dense).</summary>
    void MoveSlot(int source, int destination, int length);
}
