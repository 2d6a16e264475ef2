using System.Text;
using KazGrpc.Core;

namespace KazGrpc.Tokenization;

/// <summary>Checks of request sizes, with messages that name the field, the limit and the value (single fields: <see cref="FieldRules"/>).</summary>
internal static class RequestLimits
{
    public static void Texts(IReadOnlyList<string> texts, string field, TokenizationOptions limits)
    {
        if (texts.Count == 0)
        {
            throw new RequestValidationException(field, $"`{field}` must contain at least 1 text; got 0");
        }

        if (texts.Count > limits.MaxTexts)
        {
            throw new RequestValidationException(field, $"`{field}` must contain at most {limits.MaxTexts} texts; got {texts.Count}");
        }

        long total = 0;
        for (var i = 0; i < texts.Count; i++)
        {
            var bytes = Encoding.UTF8.GetByteCount(texts[i]);
            if (bytes > limits.MaxTextBytes)
            {
                throw new RequestValidationException($"{field}[{i}]", $"`{field}[{i}]` must be at most {limits.MaxTextBytes} bytes of UTF-8; got {bytes}");
            }

            total += bytes;
        }

        if (total > limits.MaxRequestBytes)
        {
            throw new RequestValidationException(field, $"`{field}` must total at most {limits.MaxRequestBytes} bytes of UTF-8; got {total}");
        }
    }

    /// <summary>Checks that every id is in the vocabulary (the library would silently drop the others).</summary>
    public static void Ids(ReadOnlySpan<uint> ids, TokenizerDefinition tokenizer, string field)
    {
        var table = tokenizer.Bytes;
        for (var i = 0; i < ids.Length; i++)
        {
            if (ids[i] > int.MaxValue || !table.Contains((int)ids[i]))
            {
                throw new RequestValidationException($"{field}[{i}]",
                    $"`{field}[{i}]` = {ids[i]} is not in the vocabulary of `{tokenizer.Name}` (vocab_size {tokenizer.VocabSize})");
            }
        }
    }
}
