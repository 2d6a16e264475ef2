using KazGrpc.Text;

namespace KazGrpc.Hosting.Security;

/// <summary>The callers, keys and JWT settings in force: built whole from one version of the
/// configuration, and replaced whole when a valid new version arrives.</summary>
internal sealed class AccessSnapshot
{
    private AccessSnapshot(
        IReadOnlyDictionary<string, Caller> byKey, IReadOnlyDictionary<string, Caller> byId, QuotaLimits defaults, SensitiveNumberPolicy sensitiveNumbers, JwtSettings jwt)
    {
        ByKey = byKey;
        ById = byId;
        Defaults = defaults;
        SensitiveNumbers = sensitiveNumbers;
        Jwt = jwt;
        Anonymous = new Caller(AccessControl.AnonymousCaller, Grants.All, defaults, sensitiveNumbers);
    }

    /// <summary>Callers by the digest of each of their API keys.</summary>
    public IReadOnlyDictionary<string, Caller> ByKey { get; }

    /// <summary>Callers by id.</summary>
    public IReadOnlyDictionary<string, Caller> ById { get; }

    /// <summary>The quotas of callers that set none.</summary>
    public QuotaLimits Defaults { get; }

    /// <summary>The policy of callers that set none.</summary>
    public SensitiveNumberPolicy SensitiveNumbers { get; }

    public JwtSettings Jwt { get; }

    /// <summary>The caller of every call while auth is off: granted everything, under the default quotas.</summary>
    public Caller Anonymous { get; }

    /// <summary>The caller <paramref name="id"/>; an id configuration does not know has no grants and the default quotas.</summary>
    public Caller Find(string id) => ById.TryGetValue(id, out var caller) ? caller : new Caller(id, Grants.None, Defaults, SensitiveNumbers);

    /// <summary>Checks <paramref name="options"/> and builds the snapshot; throws <see cref="InvalidOperationException"/>
    /// naming the setting that is wrong (never a key or secret).</summary>
    public static AccessSnapshot From(AuthOptions options)
    {
        const string Section = AuthOptions.SectionName;
        var defaults = QuotaLimits.Resolve(options.DefaultQuotas, default);
        CheckQuotas(defaults, $"{Section}:DefaultQuotas");

        var groups = new Dictionary<string, IReadOnlyList<string>>(RpcGroups.BuiltIn, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, members) in options.RpcGroups)
        {
            groups[name] = [.. members];
        }

        var byKey = new Dictionary<string, Caller>(StringComparer.Ordinal);
        var byId = new Dictionary<string, Caller>(StringComparer.OrdinalIgnoreCase);
        foreach (var (id, entry) in options.Callers)
        {
            var setting = $"{Section}:Callers:{id}";
            var quotas = QuotaLimits.Resolve(entry.Quotas, defaults);
            CheckQuotas(quotas, $"{setting}:Quotas");
            var caller = new Caller(id, Grants.From(entry.Rpcs, entry.Models, groups, setting), quotas, entry.SensitiveNumbers ?? options.SensitiveNumbers);
            byId[id] = caller;
            for (var i = 0; i < entry.ApiKeys.Count; i++)
            {
                var digest = entry.ApiKeys[i].Trim();
                if (!ApiKeyHash.IsDigest(digest))
                {
                    // The value is not shown: it may be a key pasted where its digest belongs.
                    throw new InvalidOperationException(
                        $"{setting}:ApiKeys:{i} must be the SHA-256 of the key as 64 hex digits (kazgrpc keys hash, or printf %s \"$KEY\" | sha256sum); it has {digest.Length} characters");
                }

                var normalized = Convert.ToHexStringLower(Convert.FromHexString(digest));
                if (byKey.TryGetValue(normalized, out var other) && !ReferenceEquals(other, caller))
                {
                    throw new InvalidOperationException($"{setting}:ApiKeys:{i} is also a key of caller '{other.Id}'; a key names one caller");
                }

                byKey[normalized] = caller;
            }
        }

        return new AccessSnapshot(byKey, byId, defaults, options.SensitiveNumbers, JwtSettings.From(options.Jwt));
    }

    private static void CheckQuotas(QuotaLimits quotas, string setting)
    {
        if (quotas.ConcurrentRequests < 0 || quotas.ConcurrentStreams < 0 || quotas.PromptTokensPerMinute < 0 || quotas.GeneratedTokensPerMinute < 0
            || quotas.StreamMessagesPerSecond < 0)
        {
            throw new InvalidOperationException($"{setting}: every limit must be >= 0 (0 is unlimited); got {quotas}");
        }
    }
}
