using System.Globalization;
using System.Text.Json;
using KazGrpc.Core;
using KazGrpc.InferenceSvc.Embeddings;
using KazGrpc.InferenceSvc.Generation;
using KazGrpc.Text;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>
/// Maps OpenAI request bodies to the domain's commands. What only the OpenAI shape can get wrong
/// (<c>n</c>, the form of <c>prompt</c>, <c>stop</c> and <c>input</c>, options this server does not
/// have) is refused here with OpenAI's names; the sampling and stopping rules themselves are left to
/// the domain's validation, whose errors <see cref="ParameterNames"/> renames.
/// </summary>
internal static class OpenAiRequests
{
    /// <summary>The caller's request id: the id that Abort takes, echoed in the response's header.</summary>
    public const string RequestIdHeader = "x-request-id";

    /// <summary>The scheduling priority, as on gRPC (1 highest).</summary>
    public const string PriorityHeader = "kazgrpc-priority";

    /// <summary>OpenAI's default for <c>/v1/completions</c> when <c>max_tokens</c> is unset.</summary>
    public const int DefaultCompletionMaxTokens = 16;

    /// <summary>Sampling temperature when unset, as OpenAI's.</summary>
    public const float DefaultTemperature = 1f;

    private static readonly string[] ChatRoles = ["system", "developer", "user", "assistant", "tool"];

    /// <summary>The domain command of a chat request, and the number of alternatives per token the caller
    /// asked for (null: no log probabilities).</summary>
    public static (GenerateCommand Command, int? TopLogprobs) ToCommand(ChatCompletionRequest request, string requestId, RequestedPriority? priority)
    {
        RequireModel(request.Model);
        RequireOne(request.N);
        RequireAbsent(request.Tools, "tools", "tool calling");
        if (request.ToolChoice.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null) && !IsString(request.ToolChoice, "none"))
        {
            throw new RequestValidationException("tool_choice", "`tool_choice` must be 'none' (this server has no tool calling)");
        }

        if (request.ResponseFormat.ValueKind == JsonValueKind.Object
            && (!request.ResponseFormat.TryGetProperty("type", out var format) || !IsString(format, "text")))
        {
            throw new RequestValidationException("response_format", "`response_format` must be {\"type\": \"text\"} (this server has no JSON or schema mode)");
        }

        if (request.TopLogprobs is { } top && request.Logprobs != true)
        {
            throw new RequestValidationException("top_logprobs", $"`top_logprobs` needs `logprobs` set to true; got top_logprobs {top} without it");
        }

        var topLogprobs = NonNegative(request.TopLogprobs, "top_logprobs") ?? 0;
        var maxTokens = request.MaxCompletionTokens is not null ? "max_completion_tokens" : "max_tokens";
        var command = new GenerateCommand
        {
            Model = request.Model!,
            Messages = Messages(request.Messages),
            Parameters = Parameters(
                request, Positive(request.MaxCompletionTokens ?? request.MaxTokens, maxTokens), request.Logprobs == true ? Math.Max(topLogprobs, 1) : 0),
            RequestId = requestId,
            Priority = priority,
            InputScript = InputScript(request.KazgrpcInputScript),
            SensitiveNumbers = SensitiveNumbers(request.KazgrpcSensitiveNumbers),
        };
        StreamOptionsNeedStream(request.Stream, request.StreamOptions);
        return (command, request.Logprobs == true ? topLogprobs : null);
    }

    /// <summary>The domain command of a completions request, and the number of alternatives per token
    /// the caller asked for (null: no log probabilities).</summary>
    public static (GenerateCommand Command, int? Logprobs) ToCommand(CompletionRequest request, string requestId, RequestedPriority? priority)
    {
        RequireModel(request.Model);
        RequireOne(request.N);
        if (request.BestOf is { } bestOf && bestOf != 1)
        {
            throw new RequestValidationException("best_of", $"`best_of` must be 1 (one sequence per request); got {bestOf}");
        }

        if (request.Echo == true)
        {
            throw new RequestValidationException("echo", "`echo` must be false (the prompt is not returned); got true");
        }

        if (!string.IsNullOrEmpty(request.Suffix))
        {
            throw new RequestValidationException("suffix", "`suffix` must be empty (this server does not insert text)");
        }

        var logprobs = NonNegative(request.Logprobs, "logprobs");
        var (prompt, ids) = Prompt(request.Prompt);
        var command = new GenerateCommand
        {
            Model = request.Model!,
            Prompt = prompt,
            TokenIds = ids,
            Parameters = Parameters(request, Positive(request.MaxTokens, "max_tokens") ?? DefaultCompletionMaxTokens, logprobs is { } n ? Math.Max(n, 1) : 0),
            RequestId = requestId,
            Priority = priority,
            InputScript = InputScript(request.KazgrpcInputScript),
            SensitiveNumbers = SensitiveNumbers(request.KazgrpcSensitiveNumbers),
        };
        StreamOptionsNeedStream(request.Stream, request.StreamOptions);
        return (command, logprobs);
    }

    /// <summary>The domain command of an embeddings request; <paramref name="dimensions"/> is the model's
    /// vector size when the model exists.</summary>
    public static (EmbedCommand Command, bool Base64) ToCommand(EmbeddingRequest request, int? dimensions, string requestId, RequestedPriority? priority)
    {
        RequireModel(request.Model);
        var base64 = request.EncodingFormat switch
        {
            null or "float" => false,
            "base64" => true,
            _ => throw new RequestValidationException("encoding_format", $"`encoding_format` must be 'float' or 'base64'; got '{request.EncodingFormat}'"),
        };
        if (request.Dimensions is { } requested && dimensions is { } size && requested != size)
        {
            throw new RequestValidationException("dimensions",
                $"`dimensions` must be {size} (model '{request.Model}' makes vectors of that size only); got {requested}");
        }

        var command = new EmbedCommand
        {
            Model = request.Model!,
            Inputs = Inputs(request.Input),
            Truncate = request.Truncate == true,
            Priority = priority,
            RequestId = requestId,
            InputType = request.InputType switch
            {
                null => EmbedInputType.None,
                "query" => EmbedInputType.Query,
                "passage" => EmbedInputType.Passage,
                _ => throw new RequestValidationException("input_type", $"`input_type` must be 'query' or 'passage'; got '{request.InputType}'"),
            },
            InputScript = InputScript(request.KazgrpcInputScript),
            SensitiveNumbers = SensitiveNumbers(request.KazgrpcSensitiveNumbers),
        };
        return (command, base64);
    }

    /// <summary>OpenAI's finish reason for the domain's; an aborted request is <c>abort</c>, as vLLM says.</summary>
    public static string FinishReason(KazGrpc.Generation.FinishReason reason) => reason switch
    {
        KazGrpc.Generation.FinishReason.Length => "length",
        KazGrpc.Generation.FinishReason.Eos or KazGrpc.Generation.FinishReason.StopSequence => "stop",
        _ => "abort",
    };

    /// <summary>The domain's parameters of <paramref name="request"/>; the length limit and the number
    /// of alternatives are read from members whose names and forms differ between the two routes.</summary>
    private static GenerateParameters Parameters(SamplingRequest request, int? maxTokens, int logprobs) => new()
    {
        MaxNewTokens = maxTokens is { } max ? (uint)max : null,
        Temperature = request.Temperature ?? DefaultTemperature,
        TopP = request.TopP,
        TopK = request.TopK switch
        {
            null or -1 or 0 => 0,
            >= 1 => (uint)request.TopK.Value,
            _ => throw new RequestValidationException("top_k", $"`top_k` must be -1 or 0 (off) or >= 1; got {request.TopK}"),
        },
        MinP = request.MinP ?? 0,
        RepetitionPenalty = request.RepetitionPenalty,
        PresencePenalty = request.PresencePenalty ?? 0,
        FrequencyPenalty = request.FrequencyPenalty ?? 0,
        LogitBias = LogitBias(request.LogitBias),
        // Any int64 is a seed to OpenAI; its bits are the domain's unsigned seed.
        Seed = request.Seed is { } s ? unchecked((ulong)s) : null,
        Stop = Stop(request.Stop),
        StopTokenIds = request.StopTokenIds ?? [],
        MinNewTokens = (uint)(NonNegative(request.MinTokens, "min_tokens") ?? 0),
        IgnoreEos = request.IgnoreEos == true,
        Logprobs = (uint)logprobs,
    };

    private static List<(string Role, string Content)> Messages(List<ChatMessageInput>? messages)
    {
        if (messages is null || messages.Count == 0)
        {
            throw new RequestValidationException("messages", "`messages` must contain at least 1 message; got 0");
        }

        var result = new List<(string, string)>(messages.Count);
        for (var i = 0; i < messages.Count; i++)
        {
            var role = messages[i].Role;
            if (role is null || !ChatRoles.Contains(role, StringComparer.Ordinal))
            {
                throw new RequestValidationException($"messages[{i}].role",
                    $"`messages[{i}].role` must be one of {string.Join(", ", ChatRoles)}; got {(role is null ? "none" : $"'{role}'")}");
            }

            // OpenAI's newer name for the system prompt; the chat templates know it as system.
            result.Add((role == "developer" ? "system" : role, Content(messages[i].Content, i)));
        }

        return result;
    }

    private static string Content(JsonElement content, int index)
    {
        switch (content.ValueKind)
        {
            case JsonValueKind.String:
                return content.GetString()!;
            case JsonValueKind.Array:
                var texts = new List<string>();
                var part = 0;
                foreach (var item in content.EnumerateArray())
                {
                    if (item.ValueKind != JsonValueKind.Object || !item.TryGetProperty("type", out var type) || !IsString(type, "text")
                        || !item.TryGetProperty("text", out var text) || text.ValueKind != JsonValueKind.String)
                    {
                        throw new RequestValidationException($"messages[{index}].content[{part}]",
                            $"`messages[{index}].content[{part}]` must be a text part ({{\"type\": \"text\", \"text\": \"...\"}}); this server reads text only");
                    }

                    texts.Add(text.GetString()!);
                    part++;
                }

                return string.Join('\n', texts);
            default:
                throw new RequestValidationException($"messages[{index}].content",
                    $"`messages[{index}].content` must be a string or an array of text parts; got {Kind(content)}");
        }
    }

    private static (string Prompt, IReadOnlyList<uint> Ids) Prompt(JsonElement prompt)
    {
        const string Rule = "`prompt` must be a string, an array of one string or an array of token ids";
        switch (prompt.ValueKind)
        {
            case JsonValueKind.String:
                return (NonEmpty(prompt.GetString()!), []);
            case JsonValueKind.Array when prompt.GetArrayLength() == 1 && prompt[0].ValueKind == JsonValueKind.String:
                return (NonEmpty(prompt[0].GetString()!), []);
            case JsonValueKind.Array when prompt.GetArrayLength() > 0 && prompt.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number):
                var ids = new List<uint>(prompt.GetArrayLength());
                var i = 0;
                foreach (var id in prompt.EnumerateArray())
                {
                    ids.Add(id.TryGetUInt32(out var value)
                        ? value
                        : throw new RequestValidationException($"prompt[{i}]", $"`prompt[{i}]` must be a token id (an integer >= 0); got {id.GetRawText()}"));
                    i++;
                }

                return (string.Empty, ids);
            case JsonValueKind.Array when prompt.GetArrayLength() > 1 && prompt.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                throw new RequestValidationException("prompt", $"{Rule} (one prompt per request); got {prompt.GetArrayLength()} prompts");
            default:
                throw new RequestValidationException("prompt", $"{Rule}; got {Kind(prompt)}");
        }

        static string NonEmpty(string text) =>
            text.Length > 0 ? text : throw new RequestValidationException("prompt", "`prompt` must not be empty");
    }

    private static IReadOnlyList<string> Inputs(JsonElement input)
    {
        switch (input.ValueKind)
        {
            case JsonValueKind.String:
                return [input.GetString()!];
            case JsonValueKind.Array when input.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                return [.. input.EnumerateArray().Select(e => e.GetString()!)];
            default:
                throw new RequestValidationException("input",
                    $"`input` must be a string or an array of strings (token arrays are not taken); got {Kind(input)}");
        }
    }

    private static IReadOnlyList<string> Stop(JsonElement stop)
    {
        switch (stop.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return [];
            case JsonValueKind.String:
                return [stop.GetString()!];
            case JsonValueKind.Array when stop.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String):
                return [.. stop.EnumerateArray().Select(e => e.GetString()!)];
            default:
                throw new RequestValidationException("stop", $"`stop` must be a string or an array of strings; got {Kind(stop)}");
        }
    }

    private static Dictionary<uint, float> LogitBias(Dictionary<string, float>? bias)
    {
        var result = new Dictionary<uint, float>();
        foreach (var (key, value) in bias ?? [])
        {
            if (!uint.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                throw new RequestValidationException("logit_bias", $"`logit_bias` must be keyed by token ids; got the key '{key}'");
            }

            result[id] = value;
        }

        return result;
    }

    private static Script? InputScript(string? script) => script switch
    {
        null => null,
        "latin" => Script.Latin,
        "cyrillic" => Script.Cyrillic,
        _ => throw new RequestValidationException("kazgrpc_input_script", $"`kazgrpc_input_script` must be 'latin' or 'cyrillic'; got '{script}'"),
    };

    private static SensitiveNumberPolicy SensitiveNumbers(string? policy) => policy switch
    {
        null or "allow" => SensitiveNumberPolicy.Allow,
        "mask" => SensitiveNumberPolicy.Mask,
        "reject" => SensitiveNumberPolicy.Reject,
        _ => throw new RequestValidationException("kazgrpc_sensitive_numbers", $"`kazgrpc_sensitive_numbers` must be 'allow', 'mask' or 'reject'; got '{policy}'"),
    };

    private static void RequireModel(string? model)
    {
        if (string.IsNullOrEmpty(model))
        {
            throw new RequestValidationException("model", "`model` is required");
        }
    }

    private static void RequireOne(int? n)
    {
        if (n is { } count && count != 1)
        {
            throw new RequestValidationException("n", $"`n` must be 1 (one choice per request); got {count}");
        }
    }

    private static void RequireAbsent(JsonElement value, string name, string what)
    {
        if (value.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null) && !(value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0))
        {
            throw new RequestValidationException(name, $"`{name}` must be empty (this server has no {what})");
        }
    }

    private static void StreamOptionsNeedStream(bool? stream, StreamOptions? options)
    {
        if (options is not null && stream != true)
        {
            throw new RequestValidationException("stream_options", "`stream_options` needs `stream` set to true");
        }
    }

    private static int? Positive(int? value, string name) =>
        value is null or >= 1 ? value : throw new RequestValidationException(name, $"`{name}` must be >= 1; got {value}");

    private static int? NonNegative(int? value, string name) =>
        value is null or >= 0 ? value : throw new RequestValidationException(name, $"`{name}` must be >= 0; got {value}");

    private static bool IsString(JsonElement element, string value) =>
        element.ValueKind == JsonValueKind.String && element.ValueEquals(value);

    private static string Kind(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined => "none",
        JsonValueKind.Null => "null",
        JsonValueKind.Array => element.GetArrayLength() == 0 ? "an empty array" : "an array of other values",
        JsonValueKind.Object => "an object",
        JsonValueKind.Number => $"the number {element.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"{element.GetRawText()}",
        _ => "a string",
    };
}
