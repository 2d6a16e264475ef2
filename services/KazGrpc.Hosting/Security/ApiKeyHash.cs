using System.Security.Cryptography;
using System.Text;

namespace KazGrpc.Hosting.Security;

/// <summary>
/// API keys and the form configuration stores them in: the SHA-256 of the key's UTF-8 bytes as 64
/// lowercase hex digits (what <c>printf %s "$KEY" | sha256sum</c> prints). A high-entropy key needs
/// no salt or slow hash: the digest cannot be turned back into the key, and looking it up reveals
/// nothing through timing that could help guess another.
/// </summary>
public static class ApiKeyHash
{
    /// <summary>The prefix of keys that <see cref="NewKey"/> makes, so that secret scanners can spot them.</summary>
    public const string KeyPrefix = "kzg_";

    /// <summary>The digest of <paramref name="key"/> as configuration stores it.</summary>
    public static string Of(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        var bytes = Encoding.UTF8.GetBytes(key);
        SHA256.HashData(bytes, digest);
        return Convert.ToHexStringLower(digest);
    }

    /// <summary>True when <paramref name="value"/> is a digest as configuration stores it (64 hex digits, either case).</summary>
    public static bool IsDigest(string value) => value.Length == 2 * SHA256.HashSizeInBytes && value.All(char.IsAsciiHexDigit);

    /// <summary>A new random key: <see cref="KeyPrefix"/> and 32 random bytes in base64url (no dots, so
    /// never mistaken for a JWT).</summary>
    public static string NewKey()
    {
        Span<byte> random = stackalloc byte[32];
        RandomNumberGenerator.Fill(random);
        return KeyPrefix + Convert.ToBase64String(random).TrimEnd('=').Replace('+', '-').Replace('/', '_');
    }
}
