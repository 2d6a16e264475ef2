using System.Globalization;
using KazGrpc.Core;

namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>A priority level as the caller gave it, before validation.</summary>
/// <param name="Field">Where it was given, named as the caller knows it: the request field
/// <c>priority</c> or the header <c>kazgrpc-priority</c>.</param>
/// <param name="Value">The value as given.</param>
public sealed record RequestedPriority(string Field, string Value)
{
    /// <summary>The level to queue <paramref name="requested"/> at, among <paramref name="levels"/>:
    /// 1 is the highest, 0 (or none given) the scheduler's default. INVALID_ARGUMENT naming the field otherwise.</summary>
    public static int ToLevel(RequestedPriority? requested, int levels)
    {
        if (requested is null)
        {
            return 0;
        }

        var (field, value) = (requested.Field, requested.Value);
        if (!long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var level))
        {
            throw new RequestValidationException(field, $"`{field}` must be an integer in [0, {levels}]; got '{value}'");
        }

        return level >= 0 && level <= levels
            ? (int)level
            : throw new RequestValidationException(field, $"`{field}` must be in [0, {levels}] (1 is the highest, 0 the default); got {level}");
    }
}
