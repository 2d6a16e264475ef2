namespace KazGrpc.Hosting.Security;

/// <summary>JWT bearer tokens (section <c>Auth:Jwt</c>), validated against the keys configured here
/// (no discovery, no network): signature, issuer, audience and lifetime. The caller's id is the value
/// of <see cref="CallerClaim"/>; its grants and quotas are those of <c>Auth:Callers:{id}</c>.</summary>
public sealed class JwtAuthOptions
{
    /// <summary>Keys that may sign tokens: each a PEM public key (RSA or EC, <c>-----BEGIN PUBLIC KEY-----</c>)
    /// or a base64 HMAC secret of at least 32 bytes. Several allow rotation. Default none: JWTs are not accepted.</summary>
    public List<string> SigningKeys { get; set; } = [];

    /// <summary>The required <c>iss</c>. Required when there are signing keys.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>The required <c>aud</c>. Required when there are signing keys.</summary>
    public string Audience { get; set; } = string.Empty;

    /// <summary>The claim whose value is the caller's id. Default <c>sub</c>.</summary>
    public string CallerClaim { get; set; } = "sub";

    /// <summary>Clock difference allowed when checking <c>exp</c> and <c>nbf</c>. Default 30 s.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}
