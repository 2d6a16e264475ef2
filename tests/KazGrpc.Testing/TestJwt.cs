using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace KazGrpc.Testing;

/// <summary>JWTs for tests, as an identity provider would issue them.</summary>
public static class TestJwt
{
    /// <summary>A token for <paramref name="subject"/> valid from <paramref name="notBefore"/> to
    /// <paramref name="expires"/>, signed with HMAC-SHA256 under <paramref name="secret"/> (base64).</summary>
    public static string Create(string subject, DateTime notBefore, DateTime expires, string secret = CallersFile.JwtSecret,
        string issuer = CallersFile.JwtIssuer, string audience = CallersFile.JwtAudience) =>
        new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Subject = new ClaimsIdentity([new Claim("sub", subject)]),
            Issuer = issuer,
            Audience = audience,
            IssuedAt = notBefore,
            NotBefore = notBefore,
            Expires = expires,
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Convert.FromBase64String(secret)), SecurityAlgorithms.HmacSha256),
        });

    /// <summary>A token for <paramref name="subject"/> valid for the next hour.</summary>
    public static string Valid(string subject) => Create(subject, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddHours(1));
}
