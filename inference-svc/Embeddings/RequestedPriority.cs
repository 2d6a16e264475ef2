namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>A priority level as the caller gave it, before validation.</summary>
/// <param name="Field">Where it was given, named as the caller knows it: the request field
/// <c>priority</c> or the header <c>kazgrpc-priority</c>.</param>
/// <param name="Value">The value as given.</param>
public sealed record RequestedPriority(string Field, string Value);
