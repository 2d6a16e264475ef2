using System.Collections.Concurrent;
using System.Reflection;
using Google.Protobuf.Reflection;

namespace KazGrpc.Tools.Cli;

/// <summary>Generated enum values as the protos spell them, for text output.</summary>
internal static class ProtoNames
{
    private static readonly ConcurrentDictionary<Type, string> Prefixes = new();

    /// <summary>The value's name in the proto: <c>FINISH_REASON_LENGTH</c>.</summary>
    public static string Full<T>(T value)
        where T : struct, Enum =>
        typeof(T).GetField(value.ToString())?.GetCustomAttribute<OriginalNameAttribute>()?.Name ?? value.ToString();

    /// <summary>The name without its type's prefix: <c>LENGTH</c> for <c>FINISH_REASON_LENGTH</c>.</summary>
    public static string Unprefixed<T>(T value)
        where T : struct, Enum
    {
        var full = Full(value);
        var prefix = Prefixes.GetOrAdd(typeof(T), _ => Prefix(Enum.GetValues<T>().Select(Full).ToList()));
        return full.StartsWith(prefix, StringComparison.Ordinal) && full.Length > prefix.Length ? full[prefix.Length..] : full;
    }

    /// <summary>The name without its type's prefix, lower-case: <c>generation</c> for <c>MODEL_KIND_GENERATION</c>.</summary>
    public static string Short<T>(T value)
        where T : struct, Enum => Unprefixed(value).ToLowerInvariant();

    // What every value's name shares, up to its last underscore (MODEL_KIND_), as the style guide
    // has every enum value carry its type's prefix.
    private static string Prefix(List<string> names)
    {
        var prefix = names[0];
        foreach (var name in names)
        {
            var length = 0;
            while (length < prefix.Length && length < name.Length && prefix[length] == name[length])
            {
                length++;
            }

            prefix = prefix[..length];
        }

        return prefix[..(prefix.LastIndexOf('_') + 1)];
    }
}
