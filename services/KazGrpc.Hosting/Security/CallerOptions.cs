using KazGrpc.Text;

namespace KazGrpc.Hosting.Security;

/// <summary>One caller (section <c>Auth:Callers:{id}</c>): its API keys, grants and quotas.</summary>
public sealed class CallerOptions
{
    /// <summary>SHA-256 digests of the caller's API keys, as 64 hex digits (<c>kazgrpc keys hash</c>, or
    /// <c>printf %s "$KEY" | sha256sum</c>); never the keys. Several allow rotation; removing one revokes
    /// it at the next configuration reload. Default none (a JWT caller needs none).</summary>
    public List<string> ApiKeys { get; set; } = [];

    /// <summary>RPCs the caller may call: <c>*</c>, a service (<c>kazgrpc.inference.v1.InferenceService/*</c>),
    /// one method (<c>kazgrpc.inference.v1.InferenceService/Embed</c>) or a group's name (built-in or
    /// <c>Auth:RpcGroups</c>). Default none.</summary>
    public List<string> Rpcs { get; set; } = [];

    /// <summary>Models the caller may use, or <c>*</c> for all. Default none.</summary>
    public List<string> Models { get; set; } = [];

    /// <summary>What the service does with identification (IIN, BIN) and phone numbers in the caller's
    /// text: <c>Allow</c>, <c>Mask</c> or <c>Reject</c>. Default unset: <c>Auth:SensitiveNumbers</c>.</summary>
    public SensitiveNumberPolicy? SensitiveNumbers { get; set; }

    /// <summary>The caller's quotas; unset limits are <c>Auth:DefaultQuotas</c>'.</summary>
    public QuotaOptions Quotas { get; set; } = new();
}
