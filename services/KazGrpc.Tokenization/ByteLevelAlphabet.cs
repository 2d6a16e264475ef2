namespace KazGrpc.Tokenization;

/// <summary>
/// GPT-2's byte-to-unicode alphabet, in which byte-level BPE vocabularies (<c>vocab.json</c>,
/// <c>merges.txt</c>, Hugging Face <c>tokenizer.json</c>) spell their tokens: every byte is one
/// printable character, so that a token's spelling can be stored as text. Printable Latin-1 bytes
/// (<c>!</c>..<c>~</c>, <c>¡</c>..<c>¬</c>, <c>®</c>..<c>ÿ</c>) stand for themselves; the other 68
/// bytes take the characters from U+0100 on, in byte order (so the space is <c>Ġ</c>, U+0120).
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] ByteToChar = BuildByteToChar();
    private static readonly short[] CharToByte = BuildCharToByte(ByteToChar);

    /// <summary>The character that stands for <paramref name="value"/>.</summary>
    public static char ToChar(byte value) => ByteToChar[value];

    /// <summary>Spells <paramref name="bytes"/> in the alphabet.</summary>
    public static string Encode(ReadOnlySpan<byte> bytes)
    {
        var chars = bytes.Length <= 256 ? stackalloc char[bytes.Length] : new char[bytes.Length];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[i] = ByteToChar[bytes[i]];
        }

        return new string(chars);
    }

    /// <summary>
    /// The bytes a token spelled in the alphabet stands for; false when a character of
    /// <paramref name="token"/> is not in the alphabet (the token is not byte-level).
    /// </summary>
    public static bool TryDecode(string token, out byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(token);
        bytes = new byte[token.Length];
        for (var i = 0; i < token.Length; i++)
        {
            var ch = token[i];
            var value = ch < CharToByte.Length ? CharToByte[ch] : (short)-1;
            if (value < 0)
            {
                bytes = [];
                return false;
            }

            bytes[i] = (byte)value;
        }

        return true;
    }

    private static char[] BuildByteToChar()
    {
        var map = new char[256];
        var next = 256;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is >= '!' and <= '~' or >= 0xA1 and <= 0xAC or >= 0xAE and <= 0xFF;
            map[b] = printable ? (char)b : (char)next++;
        }

        return map;
    }

    private static short[] BuildCharToByte(char[] byteToChar)
    {
        var map = new short[byteToChar.Max() + 1];
        Array.Fill(map, (short)-1);
        for (var b = 0; b < byteToChar.Length; b++)
        {
            map[byteToChar[b]] = (short)b;
        }

        return map;
    }
}
