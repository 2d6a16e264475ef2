using System.Collections.Frozen;

namespace KazGrpc.Tokenization;

/// <summary>
/// The bytes each id stands for, so that decoding is a table look-up per token and a UTF-8 decode
/// of the bytes, whatever the tokenizer kind. Immutable; shared by every sequence.
/// </summary>
public sealed class TokenBytes
{
    private readonly byte[]?[] _bytes;
    private readonly FrozenSet<int> _special;

    /// <summary>Creates the table.</summary>
    /// <param name="bytes">Per id, its bytes; <c>null</c> for ids that are not in the vocabulary (holes).</param>
    /// <param name="specialIds">Ids of control tokens, left out when decoding skips special tokens.</param>
    /// <param name="stripLeadingSpace">Drop one leading space at the start of a decoded sequence
    /// (SentencePiece's dummy prefix, the space WordPiece puts before words).</param>
    public TokenBytes(byte[]?[] bytes, IEnumerable<int> specialIds, bool stripLeadingSpace)
    {
        _bytes = bytes;
        _special = specialIds.ToFrozenSet();
        StripLeadingSpace = stripLeadingSpace;
    }

    /// <summary>One past the largest id.</summary>
    public int Count => _bytes.Length;

    /// <summary>Whether a sequence's first decoded space is dropped.</summary>
    public bool StripLeadingSpace { get; }

    /// <summary>True when <paramref name="id"/> names a token of the vocabulary.</summary>
    public bool Contains(int id) => (uint)id < (uint)_bytes.Length && _bytes[id] is not null;

    /// <summary>True when <paramref name="id"/> is a control token.</summary>
    public bool IsSpecial(int id) => _special.Contains(id);

    /// <summary>The bytes of <paramref name="id"/>; the id must be <see cref="Contains"/>.</summary>
    public ReadOnlySpan<byte> this[int id] => _bytes[id];

    /// <summary>Index of the first id that is not in the vocabulary, or -1.</summary>
    public int IndexOfUnknown(ReadOnlySpan<int> ids)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            if (!Contains(ids[i]))
            {
                return i;
            }
        }

        return -1;
    }
}
