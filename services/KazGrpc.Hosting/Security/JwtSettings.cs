using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace KazGrpc.Hosting.Security;

/// <summary>The JWT settings in force, with their keys parsed (see <see cref="JwtAuthOptions"/>).</summary>
internal sealed record JwtSettings(IReadOnlyList<SecurityKey> Keys, string Issuer, string Audience, string CallerClaim)
{
    private const int MinimumSecretBytes = 32;

    /// <summary>True when tokens are accepted (there are signing keys).</summary>
    public bool Enabled => Keys.Count > 0;

    /// <summary>Parses and checks <paramref name="options"/>; throws naming the setting that is wrong, never a key's value.</summary>
    public static JwtSettings From(JwtAuthOptions options)
    {
        const string Section = $"{AuthOptions.SectionName}:Jwt";
        var keys = new List<SecurityKey>();
        for (var i = 0; i < options.SigningKeys.Count; i++)
        {
            keys.Add(ParseKey(options.SigningKeys[i].Trim(), $"{Section}:SigningKeys:{i}"));
        }

        if (keys.Count > 0)
        {
            if (string.IsNullOrWhiteSpace(options.Issuer) || string.IsNullOrWhiteSpace(options.Audience))
            {
                throw new InvalidOperationException($"{Section}:Issuer and {Section}:Audience are required when {Section}:SigningKeys has keys");
            }

            if (string.IsNullOrWhiteSpace(options.CallerClaim))
            {
                throw new InvalidOperationException($"{Section}:CallerClaim must name a claim, e.g. sub");
            }
        }

        if (options.ClockSkew < TimeSpan.Zero || options.ClockSkew > TimeSpan.FromMinutes(5))
        {
            throw new InvalidOperationException($"{Section}:ClockSkew must be in [0, 5 min]; got {options.ClockSkew}");
        }

        return new JwtSettings(keys, options.Issuer, options.Audience, options.CallerClaim);
    }

    private static SecurityKey ParseKey(string value, string setting)
    {
        if (value.StartsWith("-----BEGIN", StringComparison.Ordinal))
        {
            try
            {
                var rsa = RSA.Create();
                rsa.ImportFromPem(value);
                return new RsaSecurityKey(rsa);
            }
            catch (ArgumentException)
            {
                // Not RSA: try EC below.
            }
            catch (CryptographicException)
            {
                // Not RSA: try EC below.
            }

            try
            {
                var ec = ECDsa.Create();
                ec.ImportFromPem(value);
                return new ECDsaSecurityKey(ec);
            }
            catch (Exception ex) when (ex is ArgumentException or CryptographicException)
            {
                throw new InvalidOperationException($"{setting} must be a PEM public key (RSA or EC) or a base64 HMAC secret; its PEM could not be read", ex);
            }
        }

        var secret = new byte[value.Length];
        if (!Convert.TryFromBase64String(value, secret, out var length) || length < MinimumSecretBytes)
        {
            throw new InvalidOperationException(
                $"{setting} must be a PEM public key (RSA or EC) or a base64 HMAC secret of at least {MinimumSecretBytes} bytes; it is neither");
        }

        return new SymmetricSecurityKey(secret[..length]);
    }
}
