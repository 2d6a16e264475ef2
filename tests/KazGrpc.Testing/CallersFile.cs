using System.Text.Json;
using KazGrpc.Hosting.Security;

namespace KazGrpc.Testing;

/// <summary>
/// The <c>Auth</c> section of a host under test in a JSON file of its own (<c>Auth:CallersFile</c>),
/// which a test rewrites to change callers while the host runs. Keys are written as their digests,
/// as in production; JWTs are signed with <see cref="JwtSecret"/>.
/// </summary>
public sealed class CallersFile : IDisposable
{
    /// <summary>The HMAC secret (base64) tokens are signed with when the file enables JWTs.</summary>
    public const string JwtSecret = "S2F6R3JwYyB0ZXN0IEpXVCBzZWNyZXQsIDMyKyBieXRlcyBsb25nIQ==";

    /// <summary>The issuer the file requires of tokens.</summary>
    public const string JwtIssuer = "https://idp.test.egov.kz";

    /// <summary>The audience the file requires of tokens.</summary>
    public const string JwtAudience = "kazgrpc";

    private readonly TempDirectory _directory = new();

    /// <summary>The file's path.</summary>
    public string Path => _directory.Combine("auth.json");

    /// <summary>The settings that turn auth on with this file. The host's audit lines go to its other
    /// log providers (a test's collector), not to the test's console.</summary>
    public string[] Settings => ["--Auth:Enabled=true", $"--Auth:CallersFile={Path}", $"--Logging:Console:LogLevel:{AuditLog.Category}=None"];

    /// <summary>Writes the callers (replacing the file whole, so that a reload never reads half of
    /// it); with <paramref name="jwt"/>, tokens signed with <see cref="JwtSecret"/> are accepted.</summary>
    public void Write(IEnumerable<TestCaller> callers, bool jwt = false)
    {
        var auth = new Dictionary<string, object>
        {
            ["Callers"] = callers.ToDictionary(
                c => c.Id,
                c =>
                {
                    var caller = new Dictionary<string, object>
                    {
                        ["ApiKeys"] = c.Keys.Select(ApiKeyHash.Of).ToArray(),
                        ["Rpcs"] = c.Rpcs,
                        ["Models"] = c.Models,
                        ["Quotas"] = c.Quotas ?? new Dictionary<string, int>(),
                    };
                    if (c.SensitiveNumbers is { } policy)
                    {
                        caller["SensitiveNumbers"] = policy;
                    }

                    return (object)caller;
                }),
        };
        if (jwt)
        {
            auth["Jwt"] = new Dictionary<string, object> { ["SigningKeys"] = new[] { JwtSecret }, ["Issuer"] = JwtIssuer, ["Audience"] = JwtAudience };
        }

        var temporary = Path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(new Dictionary<string, object> { ["Auth"] = auth }));
        File.Move(temporary, Path, overwrite: true);
    }

    public void Dispose() => _directory.Dispose();
}
