namespace KazGrpc.Generation.Tests;

/// <summary>
/// A step model for the scheduler's own tests: each KV row holds the token ids written into it, and
/// the logits of a position favour one token computed from the row's whole context. A scheduler
/// that mixes up rows, loses positions or moves a row wrongly therefore changes the output.
/// </summary>
internal sealed class FakeStepModel(int vocabSize = 64, int maxSlots = 8, int maxSequenceLength = 512) : IStepModel
{
    private readonly int[][] _kv = [.. Enumerable.Range(0, maxSlots).Select(_ => new int[maxSequenceLength])];
    private readonly float[] _logits = new float[maxSlots * vocabSize];
    private readonly Lock _lock = new();
    private readonly List<string> _calls = [];

    public int VocabSize => vocabSize;

    public int MaxSlots => maxSlots;

    public int MaxSequenceLength => maxSequenceLength;

    /// <summary>Makes the next step throw.</summary>
    public bool FailNext { get; set; }

    /// <summary>Every step so far: <c>decode:N</c> or <c>prefill:row:tokens</c>.</summary>
    public IReadOnlyList<string> Calls
    {
        get
        {
            lock (_lock)
            {
                return [.. _calls];
            }
        }
    }

    /// <summary>The token this model favours after <paramref name="context"/>.</summary>
    public static int Next(IReadOnlyList<int> context, int vocabSize)
    {
        long hash = 17;
        for (var i = 0; i < context.Count; i++)
        {
            hash = (hash * 31 + context[i] * (i + 1)) % 1_000_003;
        }

        return (int)(hash % vocabSize);
    }

    public ReadOnlyMemory<float> Prefill(int slot, int pastLength, ReadOnlySpan<int> tokens)
    {
        Record($"prefill:{slot}:{tokens.Length}");
        ThrowIfFailing();
        tokens.CopyTo(_kv[slot].AsSpan(pastLength));
        Fill(0, slot, pastLength + tokens.Length);
        return _logits.AsMemory(0, vocabSize);
    }

    public ReadOnlyMemory<float> Decode(ReadOnlySpan<int> tokens, ReadOnlySpan<int> pastLengths)
    {
        Record($"decode:{tokens.Length}");
        ThrowIfFailing();
        for (var i = 0; i < tokens.Length; i++)
        {
            _kv[i][pastLengths[i]] = tokens[i];
            Fill(i, i, pastLengths[i] + 1);
        }

        return _logits.AsMemory(0, tokens.Length * vocabSize);
    }

    public void MoveSlot(int source, int destination, int length) =>
        _kv[source].AsSpan(0, length).CopyTo(_kv[destination]);

    private void Fill(int outputRow, int slot, int length)
    {
        var row = _logits.AsSpan(outputRow * vocabSize, vocabSize);
        row.Clear();
        row[Next(_kv[slot][..length], vocabSize)] = 5f;
    }

    private void Record(string call)
    {
        lock (_lock)
        {
            _calls.Add(call);
        }
    }

    private void ThrowIfFailing()
    {
        if (FailNext)
        {
            FailNext = false;
            throw new InvalidOperationException("the fake model was told to fail");
        }
    }
}
