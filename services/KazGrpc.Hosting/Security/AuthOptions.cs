using KazGrpc.Text;

namespace KazGrpc.Hosting.Security;

/// <summary>
/// Who may call a KazGrpc host, what each caller may do and how much (section <c>Auth</c>). Read
/// through <see cref="Microsoft.Extensions.Options.IOptionsMonitor{TOptions}"/>: callers, their keys,
/// grants and quotas change without a restart when the configuration reloads (appsettings.json, or the
/// file <see cref="CallersFile"/> names); <see cref="Enabled"/>, <see cref="OpenHealth"/>,
/// <see cref="OpenReflection"/> and <see cref="CallersFile"/> are read once at start-up.
/// </summary>
public sealed class AuthOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Auth";

    /// <summary>Require a credential on every call (gRPC, JSON transcoding, the OpenAI-compatible API).
    /// Default false: every call is the caller <see cref="AccessControl.AnonymousCaller"/>, granted
    /// everything, under <see cref="DefaultQuotas"/>.</summary>
    public bool Enabled { get; set; }

    /// <summary><c>grpc.health.v1.Health</c> answers without a credential (probes carry none). Default true.</summary>
    public bool OpenHealth { get; set; } = true;

    /// <summary>Server reflection (v1 and v1alpha) answers without a credential. Default true: it
    /// tells only what the protos in the repository tell.</summary>
    public bool OpenReflection { get; set; } = true;

    /// <summary>A JSON file whose <c>Auth</c> section is read on top of the rest of the configuration and
    /// reloaded when it changes (e.g. a mounted secret holding the callers). Default empty: none.</summary>
    public string CallersFile { get; set; } = string.Empty;

    /// <summary>JWT bearer tokens; off while it has no signing keys.</summary>
    public JwtAuthOptions Jwt { get; set; } = new();

    /// <summary>Named sets of RPCs that grants may name, over the built-in ones (<see cref="RpcGroups"/>);
    /// a group named here replaces a built-in one of the same name. Default none.</summary>
    public Dictionary<string, List<string>> RpcGroups { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>What the service does with identification (IIN, BIN) and phone numbers in the text of a
    /// caller that sets no policy of its own (the anonymous caller included): <c>Allow</c> (the default),
    /// <c>Mask</c> (the model sees a placeholder) or <c>Reject</c> (INVALID_ARGUMENT). A request may ask
    /// for a stricter policy, never a laxer one.</summary>
    public SensitiveNumberPolicy SensitiveNumbers { get; set; }

    /// <summary>Quotas of every caller that does not set its own; unset limits are unlimited.</summary>
    public QuotaOptions DefaultQuotas { get; set; } = new();

    /// <summary>The callers by id: their API keys (hashed), grants and quotas. Default none.</summary>
    public Dictionary<string, CallerOptions> Callers { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
