namespace KazGrpc.Core;

/// <summary>What the request would create exists already (e.g. a running request with the same id); maps to ALREADY_EXISTS.</summary>
/// <param name="resourceKind">What exists, e.g. "request".</param>
/// <param name="name">Its name as the caller gave it.</param>
/// <param name="field">The request field that named it.</param>
public sealed class AlreadyExistsException(string resourceKind, string name, string field)
    : KazGrpcException($"a {resourceKind} with `{field}` '{name}' is already running; use another id or wait for it to end")
{
    /// <summary>What exists, e.g. "request".</summary>
    public string ResourceKind { get; } = resourceKind;

    /// <summary>Its name as the caller gave it.</summary>
    public string Name { get; } = name;
}
