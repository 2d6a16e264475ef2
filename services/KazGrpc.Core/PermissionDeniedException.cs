namespace KazGrpc.Core;

/// <summary>An authenticated caller asked for something it has no grant for; maps to PERMISSION_DENIED
/// naming the caller and what is missing ("caller 'egov-portal' has no grant for model 'kaz-tiny'").</summary>
/// <param name="caller">The caller's id.</param>
/// <param name="resourceKind">What the grant would cover: <c>model</c> or <c>RPC</c>.</param>
/// <param name="name">The model's name or the RPC's full method name (<c>package.Service/Method</c>).</param>
public sealed class PermissionDeniedException(string caller, string resourceKind, string name)
    : KazGrpcException(resourceKind == "model"
        ? $"caller '{caller}' has no grant for model '{name}'"
        : $"caller '{caller}' has no grant for {resourceKind} {name}")
{
    /// <summary>The caller's id.</summary>
    public string Caller { get; } = caller;

    /// <summary>What the grant would cover: <c>model</c> or <c>RPC</c>.</summary>
    public string ResourceKind { get; } = resourceKind;

    /// <summary>The model's name or the RPC's full method name.</summary>
    public string Name { get; } = name;
}
