using System.Runtime.InteropServices;
using KazGrpc.Core;
using KazGrpc.Text;
using Microsoft.Extensions.Options;

namespace KazGrpc.Tokenization;

/// <summary>
/// The tokenizer sidecar's domain: validates requests against the configured limits, encodes on
/// the tokenizer's worker pool, decodes through the id-to-bytes table, renders chat templates.
/// Thread-safe; one instance per process.
/// </summary>
public sealed class TokenizationService
{
    private readonly TokenizerRegistry _registry;
    private readonly TokenizationOptions _limits;

    /// <summary>Creates the service over a loaded registry.</summary>
    public TokenizationService(TokenizerRegistry registry, IOptions<TokenizationOptions> options)
    {
        _registry = registry;
        _limits = options.Value;
    }

    /// <summary>The configured limits.</summary>
    public TokenizationOptions Limits => _limits;

    /// <summary>Every loaded tokenizer, ordered by name.</summary>
    public IReadOnlyList<TokenizerDefinition> ListTokenizers() => _registry.Tokenizers;

    /// <summary>The tokenizer called <paramref name="name"/>; NOT_FOUND lists those that exist.</summary>
    public TokenizerDefinition GetTokenizer(string name, string field = "tokenizer")
    {
        FieldRules.Required(name, field);
        return _registry.Get(name).Definition;
    }

    /// <summary>Encodes every text of <paramref name="command"/>, in order.</summary>
    public async ValueTask<TokenizeResult[]> TokenizeAsync(TokenizeCommand command, CancellationToken cancellationToken)
    {
        FieldRules.Required(command.Tokenizer, "tokenizer");
        RequestLimits.Texts(command.Texts, "texts", _limits);
        if (command.InputScript == Script.Latin && command.AllowSpecialTokens)
        {
            throw new RequestValidationException("input_script",
                "`input_script` SCRIPT_LATIN cannot be combined with `allow_special_tokens`: the spellings of special tokens would be converted too (convert the Latin parts with ConvertScript first)");
        }

        var pool = _registry.Get(command.Tokenizer);
        // Found (and refused) here, so that a refused request never takes an encoder.
        var found = Find(command.Texts, "texts", command.SensitiveNumbers, command.ReturnSensitiveSpans);
        return await pool.RunAsync((pool.Definition, command, found), static (encoder, state) => Encode(encoder, state.Definition, state.command, state.found), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Counts the ids of each text.</summary>
    public ValueTask<int[]> CountTokensAsync(string tokenizer, IReadOnlyList<string> texts, bool addSpecialTokens, CancellationToken cancellationToken) =>
        CountTokensAsync(tokenizer, texts, addSpecialTokens, inputScript: null, SensitiveNumberPolicy.Allow, cancellationToken);

    /// <summary>Counts the ids of each text as <see cref="TokenizeAsync"/> would encode it: <paramref name="inputScript"/>
    /// <see cref="Script.Latin"/> counts those of its Cyrillic spelling, <paramref name="sensitiveNumbers"/> masks or refuses.</summary>
    public async ValueTask<int[]> CountTokensAsync(
        string tokenizer, IReadOnlyList<string> texts, bool addSpecialTokens, Script? inputScript, SensitiveNumberPolicy sensitiveNumbers, CancellationToken cancellationToken)
    {
        FieldRules.Required(tokenizer, "tokenizer");
        RequestLimits.Texts(texts, "texts", _limits);
        var pool = _registry.Get(tokenizer);
        var framing = addSpecialTokens ? pool.Definition.PrefixIds.Count + pool.Definition.SuffixIds.Count : 0;
        var latin = inputScript == Script.Latin;
        var found = Find(texts, "texts", sensitiveNumbers, wanted: false);
        return await pool.RunAsync((texts, framing, latin, found), static (encoder, state) =>
        {
            var counts = new int[state.texts.Count];
            for (var i = 0; i < counts.Length; i++)
            {
                var text = Prepare(state.texts[i], state.found?[i] ?? [], state.latin, offsets: null, out _);
                counts[i] = encoder.Count(text, allowSpecialTokens: false) + state.framing;
            }

            return counts;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Converts Kazakh <paramref name="texts"/> to <paramref name="target"/>, in order, within
    /// the same limits as texts to encode.</summary>
    public IReadOnlyList<string> ConvertScript(IReadOnlyList<string> texts, Script target)
    {
        RequestLimits.Texts(texts, "texts", _limits);
        var converted = new string[texts.Count];
        for (var i = 0; i < converted.Length; i++)
        {
            converted[i] = KazakhScript.Convert(texts[i], target);
        }

        return converted;
    }

    /// <summary>Decodes <paramref name="ids"/> in one shot. An incomplete character at the end becomes U+FFFD.</summary>
    public string Detokenize(string tokenizer, ReadOnlySpan<uint> ids, bool skipSpecialTokens)
    {
        var definition = GetTokenizer(tokenizer);
        if (ids.Length > _limits.MaxDetokenizeIds)
        {
            throw new RequestValidationException("ids", $"`ids` must contain at most {_limits.MaxDetokenizeIds} ids; got {ids.Length}");
        }

        RequestLimits.Ids(ids, definition, "ids");
        return IncrementalDecoder.DecodeAll(definition.Bytes, MemoryMarshal.Cast<uint, int>(ids), skipSpecialTokens);
    }

    /// <summary>Opens the per-stream state of a DetokenizeStream.</summary>
    public DetokenizeSession OpenDetokenizeSession() => new(this, _limits);

    /// <summary>Renders a conversation with the chat template of <paramref name="target"/> and encodes it.</summary>
    /// <param name="target">Tokenizer or model name.</param>
    /// <param name="targetField">The request field that named it (<c>tokenizer</c> or <c>model</c>), for error messages.</param>
    /// <param name="messages">The conversation.</param>
    /// <param name="addGenerationPrompt">End with an assistant header.</param>
    /// <param name="sensitiveNumbers">What to do with sensitive numbers in the contents: the stricter of the caller's policy and the request's.</param>
    /// <param name="spans">Where the contents' sensitive numbers are, whatever the policy (code points of each content as given), or null when not asked for.</param>
    /// <param name="cancellationToken">Stops waiting for a worker.</param>
    public async ValueTask<(string Text, int[] Ids)> ApplyChatTemplateAsync(
        string target, string targetField, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt,
        SensitiveNumberPolicy sensitiveNumbers, List<(int Message, SensitiveNumberKind Kind, int Start, int End)>? spans, CancellationToken cancellationToken)
    {
        FieldRules.Required(target, targetField);
        ValidateMessages(messages);
        var pool = _registry.Get(target);
        if (sensitiveNumbers != SensitiveNumberPolicy.Allow || spans is not null)
        {
            messages = Guard(messages, sensitiveNumbers, spans);
        }

        var segments = ChatTemplates.Render(pool.Definition, messages, addGenerationPrompt);
        return await pool.RunAsync(segments, static (encoder, segments) =>
        {
            var ids = new List<int>();
            var text = new System.Text.StringBuilder();
            foreach (var segment in segments)
            {
                text.Append(segment.Text);
                if (segment.ControlId is int id)
                {
                    ids.Add(id);
                }
                else if (segment.Text.Length > 0)
                {
                    encoder.Encode(segment.Text, allowSpecialTokens: false, ids, null);
                }
            }

            return (text.ToString(), ids.ToArray());
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The messages with their contents' sensitive numbers masked or refused, each found added to <paramref name="spans"/>.</summary>
    private static ChatMessage[] Guard(IReadOnlyList<ChatMessage> messages, SensitiveNumberPolicy policy, List<(int, SensitiveNumberKind, int, int)>? spans)
    {
        var guarded = new ChatMessage[messages.Count];
        for (var i = 0; i < guarded.Length; i++)
        {
            var content = messages[i].Content;
            var found = SensitiveNumberGuard.Check(content, policy, $"messages[{i}].content", spans is not null);
            foreach (var span in found)
            {
                var (start, end) = span.CodePoints(content);
                spans?.Add((i, span.Kind, start, end));
            }

            guarded[i] = policy == SensitiveNumberPolicy.Mask && found.Count > 0 ? messages[i] with { Content = SensitiveNumbers.Mask(content, found) } : messages[i];
        }

        return guarded;
    }

    /// <summary>Each text's sensitive numbers, found (and refused) under <paramref name="policy"/>; null
    /// when neither the policy nor the caller needs them, which costs nothing.</summary>
    private static IReadOnlyList<SensitiveSpan>[]? Find(IReadOnlyList<string> texts, string field, SensitiveNumberPolicy policy, bool wanted)
    {
        if (policy == SensitiveNumberPolicy.Allow && !wanted)
        {
            return null;
        }

        var found = new IReadOnlyList<SensitiveSpan>[texts.Count];
        for (var i = 0; i < found.Length; i++)
        {
            found[i] = SensitiveNumberGuard.Check(texts[i], policy, $"{field}[{i}]", wanted);
        }

        return found;
    }

    private void ValidateMessages(IReadOnlyList<ChatMessage> messages)
    {
        if (messages.Count == 0)
        {
            throw new RequestValidationException("messages", "`messages` must contain at least 1 message; got 0");
        }

        if (messages.Count > _limits.MaxChatMessages)
        {
            throw new RequestValidationException("messages", $"`messages` must contain at most {_limits.MaxChatMessages} messages; got {messages.Count}");
        }

        for (var i = 0; i < messages.Count; i++)
        {
            if (!ChatTemplates.Roles.Contains(messages[i].Role))
            {
                throw new RequestValidationException($"messages[{i}].role",
                    $"`messages[{i}].role` must be one of {string.Join(", ", ChatTemplates.Roles)}; got '{messages[i].Role}'");
            }
        }

        RequestLimits.Texts([.. messages.Select(m => m.Content)], "messages.content", _limits);
    }

    private static TokenizeResult[] Encode(TokenEncoder encoder, TokenizerDefinition definition, TokenizeCommand command, IReadOnlyList<SensitiveSpan>[]? found)
    {
        var results = new TokenizeResult[command.Texts.Count];
        var ids = new List<int>();
        var offsets = command.ReturnOffsets ? new List<Range>() : null;
        var latin = command.InputScript == Script.Latin;
        for (var i = 0; i < results.Length; i++)
        {
            ids.Clear();
            offsets?.Clear();
            var text = command.Texts[i];
            var spans = found?[i] ?? [];
            var masked = command.SensitiveNumbers == SensitiveNumberPolicy.Mask ? spans : [];
            var prepared = Prepare(text, masked, latin, offsets, out var source);
            encoder.Encode(prepared, command.AllowSpecialTokens, ids, offsets);
            if (source is not null)
            {
                // Offsets into what was encoded, mapped back to the text as given.
                for (var j = 0; j < offsets!.Count; j++)
                {
                    var (start, length) = offsets[j].GetOffsetAndLength(prepared.Length);
                    offsets[j] = source[start]..source[start + length];
                }
            }

            var result = Frame(definition, command, text, ids, offsets);
            results[i] = command.ReturnSensitiveSpans
                ? result with { SensitiveSpans = [.. spans.Select(span => At(span, text))] }
                : result;
        }

        return results;
    }

    private static (SensitiveNumberKind Kind, int Start, int End) At(SensitiveSpan span, string text)
    {
        var (start, end) = span.CodePoints(text);
        return (span.Kind, start, end);
    }

    /// <summary>What is encoded for <paramref name="text"/>: itself, or with <paramref name="masked"/> replaced
    /// and/or (<paramref name="latin"/>) spelt in Cyrillic; <paramref name="source"/> maps it back when it
    /// differs and <paramref name="offsets"/> are wanted, else is null.</summary>
    private static string Prepare(string text, IReadOnlyList<SensitiveSpan> masked, bool latin, List<Range>? offsets, out int[]? source)
    {
        source = null;
        return masked.Count == 0 && !latin ? text : PreparedText.Build(text, masked, latin, offsets is not null, out source);
    }

    /// <summary>Adds framing ids, truncates to the token limit and converts offsets to code points.</summary>
    private static TokenizeResult Frame(TokenizerDefinition definition, TokenizeCommand command, string text, List<int> content, List<Range>? offsets)
    {
        var prefix = command.AddSpecialTokens ? definition.PrefixIds : [];
        var suffix = command.AddSpecialTokens ? definition.SuffixIds : [];
        var keep = content.Count;
        var truncated = false;
        if (command.MaxTokens > 0 && prefix.Count + content.Count + suffix.Count > command.MaxTokens)
        {
            keep = Math.Max(0, command.MaxTokens - prefix.Count - suffix.Count);
            truncated = true;
        }

        var ids = new int[prefix.Count + keep + suffix.Count];
        for (var i = 0; i < prefix.Count; i++)
        {
            ids[i] = prefix[i];
        }

        content.CopyTo(0, ids, prefix.Count, keep);
        for (var i = 0; i < suffix.Count; i++)
        {
            ids[prefix.Count + keep + i] = suffix[i];
        }
        if (command.MaxTokens > 0 && ids.Length > command.MaxTokens)
        {
            // The limit is smaller than the framing itself.
            ids = ids[..command.MaxTokens];
        }

        (int, int)[]? spans = null;
        if (offsets is not null)
        {
            var codePoints = new CodePointIndex(text);
            var end = codePoints.Length;
            spans = new (int, int)[ids.Length];
            for (var i = 0; i < spans.Length; i++)
            {
                var contentIndex = i - prefix.Count;
                if (contentIndex < 0)
                {
                    spans[i] = (0, 0);
                }
                else if (contentIndex < keep)
                {
                    var (offset, length) = offsets[contentIndex].GetOffsetAndLength(text.Length);
                    spans[i] = (codePoints.FromUtf16(offset), codePoints.FromUtf16(offset + length));
                }
                else
                {
                    spans[i] = (end, end);
                }
            }
        }

        return new TokenizeResult(ids, spans, truncated);
    }
}
