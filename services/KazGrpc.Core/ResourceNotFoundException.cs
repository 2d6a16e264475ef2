namespace KazGrpc.Core;

/// <summary>A named resource (tokenizer, model, request) does not exist; maps to NOT_FOUND.</summary>
public sealed class ResourceNotFoundException : KazGrpcException
{
    /// <summary>Creates the error; the message names the resource and lists what exists.</summary>
    /// <param name="resourceKind">What was looked up, e.g. "tokenizer".</param>
    /// <param name="name">The name the caller gave.</param>
    /// <param name="available">The names that exist (listed in the message; may be empty).</param>
    public ResourceNotFoundException(string resourceKind, string name, IEnumerable<string>? available = null)
        : base(BuildMessage(resourceKind, name, available))
    {
        ResourceKind = resourceKind;
        Name = name;
    }

    /// <summary>What was looked up, e.g. "tokenizer".</summary>
    public string ResourceKind { get; }

    /// <summary>The name the caller gave.</summary>
    public string Name { get; }

    private static string BuildMessage(string kind, string name, IEnumerable<string>? available)
    {
        if (available is null)
        {
            return $"{kind} '{name}' was not found";
        }

        var names = available.Order(StringComparer.Ordinal).ToList();
        return names.Count == 0
            ? $"{kind} '{name}' was not found; none are loaded"
            : $"{kind} '{name}' was not found; available: {string.Join(", ", names)}";
    }
}
