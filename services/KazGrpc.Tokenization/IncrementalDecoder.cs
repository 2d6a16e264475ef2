using System.Buffers;
using System.Text;

namespace KazGrpc.Tokenization;

/// <summary>
/// Decodes one sequence's ids to text as they arrive, emitting only complete characters: a
/// character whose bytes are split across tokens is held back until its last byte arrives. The
/// concatenation of everything <see cref="Append"/> and <see cref="Finish"/> return equals a one-shot
/// decode of all ids. Cost per token is a table look-up and a UTF-8 decode of that token's bytes;
/// it does not grow with the sequence. Not thread-safe: one instance per sequence.
/// </summary>
public sealed class IncrementalDecoder
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);

    private readonly TokenBytes _table;
    private readonly bool _skipSpecial;
    private readonly Decoder _decoder = Utf8.GetDecoder();
    private bool _atStart;

    /// <summary>Creates a decoder for one sequence.</summary>
    /// <param name="table">The tokenizer's id-to-bytes table.</param>
    /// <param name="skipSpecialTokens">Leave control tokens out of the text.</param>
    public IncrementalDecoder(TokenBytes table, bool skipSpecialTokens)
    {
        _table = table;
        _skipSpecial = skipSpecialTokens;
        _atStart = table.StripLeadingSpace;
    }

    /// <summary>
    /// Appends ids and returns the characters they complete (possibly empty). Every id must be in
    /// the vocabulary (check with <see cref="TokenBytes.IndexOfUnknown"/>): this method does not
    /// validate again.
    /// </summary>
    public string Append(ReadOnlySpan<int> ids)
    {
        var byteCount = 0;
        foreach (var id in ids)
        {
            byteCount += _table[id].Length;
        }

        if (byteCount == 0)
        {
            return string.Empty;
        }

        var rented = ArrayPool<byte>.Shared.Rent(byteCount);
        try
        {
            var length = 0;
            foreach (var id in ids)
            {
                if (_skipSpecial && _table.IsSpecial(id))
                {
                    continue;
                }

                var bytes = _table[id];
                if (bytes.IsEmpty)
                {
                    continue;
                }

                if (_atStart)
                {
                    _atStart = false;
                    if (bytes[0] == (byte)' ')
                    {
                        bytes = bytes[1..];
                    }
                }

                bytes.CopyTo(rented.AsSpan(length));
                length += bytes.Length;
            }

            return DecodeBytes(rented.AsSpan(0, length), flush: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Ends the sequence: returns what is held back, an incomplete character as U+FFFD.</summary>
    public string Finish() => DecodeBytes([], flush: true);

    /// <summary>Decodes a whole sequence in one shot, with the same rules as the incremental path.</summary>
    public static string DecodeAll(TokenBytes table, ReadOnlySpan<int> ids, bool skipSpecialTokens)
    {
        var decoder = new IncrementalDecoder(table, skipSpecialTokens);
        return string.Concat(decoder.Append(ids), decoder.Finish());
    }

    private string DecodeBytes(ReadOnlySpan<byte> bytes, bool flush)
    {
        var charCount = _decoder.GetCharCount(bytes, flush);
        if (charCount == 0)
        {
            // GetCharCount does not change the decoder's state; GetChars must still see the bytes.
            _decoder.GetChars(bytes, [], flush);
            return string.Empty;
        }

        var chars = ArrayPool<char>.Shared.Rent(charCount);
        try
        {
            var written = _decoder.GetChars(bytes, chars, flush);
            return new string(chars, 0, written);
        }
        finally
        {
            ArrayPool<char>.Shared.Return(chars);
        }
    }
}
