namespace KazGrpc.Hosting.Security;

/// <summary>What a caller may call and use, with groups expanded and <c>*</c> resolved.</summary>
internal sealed class Grants
{
    private readonly bool _allRpcs;
    private readonly HashSet<string> _methods;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _services;
    private readonly bool _allModels;
    private readonly HashSet<string> _models;

    private Grants(bool allRpcs, HashSet<string> methods, HashSet<string> services, bool allModels, HashSet<string> models)
    {
        _allRpcs = allRpcs;
        _methods = methods;
        _services = services.GetAlternateLookup<ReadOnlySpan<char>>();
        _allModels = allModels;
        _models = models;
    }

    /// <summary>Everything: the caller of a host whose auth is off.</summary>
    public static Grants All { get; } = new(true, [], [], true, []);

    /// <summary>Nothing: an authenticated caller that configuration does not know (a JWT subject without an entry).</summary>
    public static Grants None { get; } = new(false, [], [], false, []);

    /// <summary>Resolves a caller's configured grants; <paramref name="groups"/> are the groups in force.
    /// Throws naming <paramref name="setting"/> for an RPC entry that is none of the accepted forms.</summary>
    public static Grants From(IEnumerable<string> rpcs, IEnumerable<string> models, IReadOnlyDictionary<string, IReadOnlyList<string>> groups, string setting)
    {
        var allRpcs = false;
        var methods = new HashSet<string>(StringComparer.Ordinal);
        var services = new HashSet<string>(StringComparer.Ordinal);
        var index = 0;
        foreach (var entry in rpcs)
        {
            var name = entry.Trim();
            IEnumerable<string> expanded = groups.TryGetValue(name, out var group) ? group : [name];
            foreach (var rpc in expanded)
            {
                var slash = rpc.IndexOf('/', StringComparison.Ordinal);
                if (rpc == "*")
                {
                    allRpcs = true;
                }
                else if (slash > 0 && slash < rpc.Length - 1 && rpc.IndexOf('/', slash + 1) < 0 && rpc[(slash + 1)..] == "*")
                {
                    services.Add(rpc[..slash]);
                }
                else if (slash > 0 && slash < rpc.Length - 1 && rpc.IndexOf('/', slash + 1) < 0)
                {
                    methods.Add(rpc);
                }
                else
                {
                    throw new InvalidOperationException(
                        $"{setting}:Rpcs:{index} must be *, package.Service/*, package.Service/Method or a group ({string.Join(", ", groups.Keys.Order(StringComparer.Ordinal))}); got '{rpc}'");
                }
            }

            index++;
        }

        var modelSet = new HashSet<string>(models.Select(m => m.Trim()).Where(m => m.Length > 0), StringComparer.Ordinal);
        var allModels = modelSet.Contains("*");
        return new Grants(allRpcs, methods, services, allModels, modelSet);
    }

    /// <summary>Whether the grants cover <paramref name="method"/> (<c>package.Service/Method</c>).</summary>
    public bool HasRpc(string method)
    {
        if (_allRpcs || _methods.Contains(method))
        {
            return true;
        }

        var slash = method.IndexOf('/', StringComparison.Ordinal);
        // By span: every call of a caller granted a whole service comes here.
        return slash > 0 && _services.Contains(method.AsSpan(0, slash));
    }

    /// <summary>Whether the grants cover model <paramref name="model"/>.</summary>
    public bool HasModel(string model) => _allModels || _models.Contains(model);
}
