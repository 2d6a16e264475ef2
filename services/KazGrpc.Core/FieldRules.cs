using System.Text;

namespace KazGrpc.Core;

/// <summary>Checks of single request fields shared by the services, failing with a
/// <see cref="RequestValidationException"/> that names the field, the rule and the value.</summary>
public static class FieldRules
{
    /// <summary>Throws when <paramref name="value"/> is empty: "`field` is required".</summary>
    public static void Required(string value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw new RequestValidationException(field, $"`{field}` is required");
        }
    }

    /// <summary>Throws when <paramref name="value"/> is longer than <paramref name="maxBytes"/> bytes of UTF-8.</summary>
    public static void AtMostBytes(string value, string field, int maxBytes)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > maxBytes)
        {
            throw new RequestValidationException(field, $"`{field}` must be at most {maxBytes} bytes; got {bytes}");
        }
    }
}
