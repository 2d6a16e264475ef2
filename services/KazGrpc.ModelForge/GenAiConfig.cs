using System.Globalization;
using System.Text.Json;

namespace KazGrpc.ModelForge;

/// <summary>
/// A decoder's <c>genai_config.json</c>, in onnxruntime-genai's format: what the model builder writes
/// for a Llama-class export (KazLLM among them) and what the forge writes for its decoders. Read
/// keeps what serving needs and ignores the rest; write gives the builder's layout.
/// </summary>
/// <remarks>
/// The KV cache's element type is not here: it is the type of the model's <c>past_key_values</c>
/// inputs, read from the model itself.
/// </remarks>
public sealed class GenAiConfig
{
    /// <summary>The config file's name in a model directory.</summary>
    public const string FileName = "genai_config.json";

    /// <summary>onnxruntime-genai's default name pattern of the past keys, one per layer.</summary>
    public const string DefaultPastKeyNames = "past_key_values.%d.key";

    /// <summary>onnxruntime-genai's default name pattern of the past values.</summary>
    public const string DefaultPastValueNames = "past_key_values.%d.value";

    /// <summary>onnxruntime-genai's default name pattern of the present keys.</summary>
    public const string DefaultPresentKeyNames = "present.%d.key";

    /// <summary>onnxruntime-genai's default name pattern of the present values.</summary>
    public const string DefaultPresentValueNames = "present.%d.value";

    /// <summary><c>model.type</c>, e.g. <c>llama</c> (the default), <c>phi3</c>, <c>qwen2</c>.</summary>
    public string ModelType { get; init; } = "llama";

    /// <summary><c>model.vocab_size</c>: the number of token ids, the last axis of the logits. Required.</summary>
    public required int VocabSize { get; init; }

    /// <summary><c>model.context_length</c>: the most positions a sequence may reach. Required.</summary>
    public required int ContextLength { get; init; }

    /// <summary><c>model.eos_token_id</c>: one id or several (a number or a list in the file). Required, at least one.</summary>
    public required IReadOnlyList<int> EosTokenIds { get; init; }

    /// <summary><c>model.bos_token_id</c>; null when the file has none.</summary>
    public int? BosTokenId { get; init; }

    /// <summary><c>model.pad_token_id</c>; default (when the file has none) the first end-of-sequence id, as the builder.</summary>
    public int? PadTokenId { get; init; }

    /// <summary>The pad id in effect: <see cref="PadTokenId"/>, else the first of <see cref="EosTokenIds"/>.</summary>
    public int EffectivePadTokenId => PadTokenId ?? EosTokenIds[0];

    /// <summary><c>model.decoder.filename</c>: the model file, relative to the directory; default <c>model.onnx</c>.</summary>
    public string ModelFileName { get; init; } = ModelWriter.ModelFileName;

    /// <summary><c>model.decoder.num_hidden_layers</c>. Required.</summary>
    public required int NumHiddenLayers { get; init; }

    /// <summary><c>model.decoder.num_attention_heads</c>. Required.</summary>
    public required int NumAttentionHeads { get; init; }

    /// <summary><c>model.decoder.num_key_value_heads</c>; divides the attention heads. Required.</summary>
    public required int NumKeyValueHeads { get; init; }

    /// <summary><c>model.decoder.head_size</c>. Required.</summary>
    public required int HeadSize { get; init; }

    /// <summary><c>model.decoder.hidden_size</c>. Required.</summary>
    public required int HiddenSize { get; init; }

    /// <summary><c>model.decoder.inputs.input_ids</c>; default <c>input_ids</c>.</summary>
    public string InputIdsName { get; init; } = "input_ids";

    /// <summary><c>model.decoder.inputs.attention_mask</c>; default <c>attention_mask</c>.</summary>
    public string AttentionMaskName { get; init; } = "attention_mask";

    /// <summary><c>model.decoder.inputs.position_ids</c>; null (the default) when the model takes none, as with rotary inside GroupQueryAttention.</summary>
    public string? PositionIdsName { get; init; }

    /// <summary><c>model.decoder.inputs.past_key_names</c>, with <c>%d</c> for the layer; default <see cref="DefaultPastKeyNames"/>.</summary>
    public string PastKeyNames { get; init; } = DefaultPastKeyNames;

    /// <summary><c>model.decoder.inputs.past_value_names</c>; default <see cref="DefaultPastValueNames"/>.</summary>
    public string PastValueNames { get; init; } = DefaultPastValueNames;

    /// <summary><c>model.decoder.outputs.logits</c>; default <c>logits</c>.</summary>
    public string LogitsName { get; init; } = "logits";

    /// <summary><c>model.decoder.outputs.present_key_names</c>; default <see cref="DefaultPresentKeyNames"/>.</summary>
    public string PresentKeyNames { get; init; } = DefaultPresentKeyNames;

    /// <summary><c>model.decoder.outputs.present_value_names</c>; default <see cref="DefaultPresentValueNames"/>.</summary>
    public string PresentValueNames { get; init; } = DefaultPresentValueNames;

    /// <summary><c>search.max_length</c>: prompt and generated tokens together; default (0 or absent) <see cref="ContextLength"/>.</summary>
    public int MaxLength { get; init; }

    /// <summary>The max length in effect: <see cref="MaxLength"/>, or <see cref="ContextLength"/> when unset.</summary>
    public int EffectiveMaxLength => MaxLength > 0 ? MaxLength : ContextLength;

    /// <summary>
    /// <c>search.past_present_share_buffer</c>: whether onnxruntime-genai binds one [batch, kv_heads,
    /// max_length, head_size] buffer as both past and present (GroupQueryAttention writes in place).
    /// Default <see langword="false"/>, as genai's when the key is absent; the builder and the forge write
    /// <see langword="true"/> for GroupQueryAttention models.
    /// </summary>
    public bool PastPresentShareBuffer { get; init; }

    /// <summary>The past-key input of layer <paramref name="layer"/>, e.g. <c>past_key_values.0.key</c>.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The input name.</returns>
    public string PastKeyName(int layer) => Format(PastKeyNames, layer);

    /// <summary>The past-value input of layer <paramref name="layer"/>.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The input name.</returns>
    public string PastValueName(int layer) => Format(PastValueNames, layer);

    /// <summary>The present-key output of layer <paramref name="layer"/>, e.g. <c>present.0.key</c>.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The output name.</returns>
    public string PresentKeyName(int layer) => Format(PresentKeyNames, layer);

    /// <summary>The present-value output of layer <paramref name="layer"/>.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The output name.</returns>
    public string PresentValueName(int layer) => Format(PresentValueNames, layer);

    /// <summary>Reads and validates <c>{directory}/genai_config.json</c>. Keys the runtime does not use are ignored.</summary>
    /// <param name="directory">The model directory.</param>
    /// <returns>The config.</returns>
    /// <exception cref="FileNotFoundException">The directory has no <c>genai_config.json</c>.</exception>
    /// <exception cref="InvalidOperationException">The file is not valid JSON, or a key is missing, of the wrong type or out of range; the message names the file, the key and the value.</exception>
    public static GenAiConfig Read(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{path} does not exist; a decoder directory needs onnxruntime-genai's {FileName}.", path);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(path), new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException ex)
        {
            throw new InvalidOperationException($"{path}: not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var reader = new Reader(path);
            var model = reader.Object(document.RootElement, "model");
            var decoder = reader.Object(model, "model.decoder");
            var inputs = reader.OptionalObject(decoder, "model.decoder.inputs");
            var outputs = reader.OptionalObject(decoder, "model.decoder.outputs");
            var search = reader.OptionalObject(document.RootElement, "search");
            var config = new GenAiConfig
            {
                ModelType = reader.String(model, "model.type"),
                VocabSize = reader.Int(model, "model.vocab_size"),
                ContextLength = reader.Int(model, "model.context_length"),
                EosTokenIds = reader.Ids(model, "model.eos_token_id"),
                BosTokenId = reader.OptionalInt(model, "model.bos_token_id"),
                PadTokenId = reader.OptionalInt(model, "model.pad_token_id"),
                ModelFileName = reader.OptionalString(decoder, "model.decoder.filename") ?? ModelWriter.ModelFileName,
                NumHiddenLayers = reader.Int(decoder, "model.decoder.num_hidden_layers"),
                NumAttentionHeads = reader.Int(decoder, "model.decoder.num_attention_heads"),
                NumKeyValueHeads = reader.Int(decoder, "model.decoder.num_key_value_heads"),
                HeadSize = reader.Int(decoder, "model.decoder.head_size"),
                HiddenSize = reader.Int(decoder, "model.decoder.hidden_size"),
                InputIdsName = reader.OptionalString(inputs, "model.decoder.inputs.input_ids") ?? "input_ids",
                AttentionMaskName = reader.OptionalString(inputs, "model.decoder.inputs.attention_mask") ?? "attention_mask",
                PositionIdsName = reader.OptionalString(inputs, "model.decoder.inputs.position_ids"),
                PastKeyNames = reader.OptionalString(inputs, "model.decoder.inputs.past_key_names") ?? DefaultPastKeyNames,
                PastValueNames = reader.OptionalString(inputs, "model.decoder.inputs.past_value_names") ?? DefaultPastValueNames,
                LogitsName = reader.OptionalString(outputs, "model.decoder.outputs.logits") ?? "logits",
                PresentKeyNames = reader.OptionalString(outputs, "model.decoder.outputs.present_key_names") ?? DefaultPresentKeyNames,
                PresentValueNames = reader.OptionalString(outputs, "model.decoder.outputs.present_value_names") ?? DefaultPresentValueNames,
                MaxLength = reader.OptionalInt(search, "search.max_length") ?? 0,
                PastPresentShareBuffer = reader.OptionalBool(search, "search.past_present_share_buffer") ?? false,
            };
            config.Validate(path);
            return config;
        }
    }

    /// <summary>
    /// Writes <c>{directory}/genai_config.json</c> in the builder's layout (keys in its order, indented
    /// four spaces, <c>\n</c> line ends), creating the directory and replacing an existing file. The
    /// search section carries the builder's defaults (greedy, one beam) with <see cref="EffectiveMaxLength"/>.
    /// </summary>
    /// <param name="directory">The model directory.</param>
    /// <returns>The config file's full path.</returns>
    /// <exception cref="InvalidOperationException">A value is out of range.</exception>
    public string Save(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var path = Path.GetFullPath(Path.Combine(directory, FileName));
        Validate(path);
        Directory.CreateDirectory(directory);
        using (var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, IndentSize = 4, NewLine = "\n" }))
            {
                writer.WriteStartObject();
                writer.WriteStartObject("model");
                if (BosTokenId is { } bos)
                {
                    writer.WriteNumber("bos_token_id", bos);
                }

                writer.WriteNumber("context_length", ContextLength);
                writer.WriteStartObject("decoder");
                writer.WriteStartObject("session_options");
                writer.WriteString("log_id", "onnxruntime-genai");
                writer.WriteStartArray("provider_options");
                writer.WriteEndArray();
                writer.WriteEndObject();
                writer.WriteString("filename", ModelFileName);
                writer.WriteNumber("head_size", HeadSize);
                writer.WriteNumber("hidden_size", HiddenSize);
                writer.WriteStartObject("inputs");
                writer.WriteString("input_ids", InputIdsName);
                writer.WriteString("attention_mask", AttentionMaskName);
                if (PositionIdsName is not null)
                {
                    writer.WriteString("position_ids", PositionIdsName);
                }

                writer.WriteString("past_key_names", PastKeyNames);
                writer.WriteString("past_value_names", PastValueNames);
                writer.WriteEndObject();
                writer.WriteStartObject("outputs");
                writer.WriteString("logits", LogitsName);
                writer.WriteString("present_key_names", PresentKeyNames);
                writer.WriteString("present_value_names", PresentValueNames);
                writer.WriteEndObject();
                writer.WriteNumber("num_attention_heads", NumAttentionHeads);
                writer.WriteNumber("num_hidden_layers", NumHiddenLayers);
                writer.WriteNumber("num_key_value_heads", NumKeyValueHeads);
                writer.WriteEndObject();
                if (EosTokenIds.Count == 1)
                {
                    writer.WriteNumber("eos_token_id", EosTokenIds[0]);
                }
                else
                {
                    writer.WriteStartArray("eos_token_id");
                    foreach (var id in EosTokenIds)
                    {
                        writer.WriteNumberValue(id);
                    }

                    writer.WriteEndArray();
                }

                writer.WriteNumber("pad_token_id", EffectivePadTokenId);
                writer.WriteString("type", ModelType);
                writer.WriteNumber("vocab_size", VocabSize);
                writer.WriteEndObject();
                writer.WriteStartObject("search");
                writer.WriteNumber("diversity_penalty", 0.0);
                writer.WriteBoolean("do_sample", false);
                writer.WriteBoolean("early_stopping", true);
                writer.WriteNumber("length_penalty", 1.0);
                writer.WriteNumber("max_length", EffectiveMaxLength);
                writer.WriteNumber("min_length", 0);
                writer.WriteNumber("no_repeat_ngram_size", 0);
                writer.WriteNumber("num_beams", 1);
                writer.WriteNumber("num_return_sequences", 1);
                writer.WriteBoolean("past_present_share_buffer", PastPresentShareBuffer);
                writer.WriteNumber("repetition_penalty", 1.0);
                writer.WriteNumber("temperature", 1.0);
                writer.WriteNumber("top_k", 50);
                writer.WriteNumber("top_p", 1.0);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }

            stream.WriteByte((byte)'\n');
        }

        return path;
    }

    private static string Format(string pattern, int layer)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        return pattern.Replace("%d", layer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
    }

    private void Validate(string path)
    {
        static InvalidOperationException Bad(string path, string key, string rule, object? value) =>
            new(string.Create(CultureInfo.InvariantCulture, $"{path}: {key} must be {rule}; got {(value is string text ? $"'{text}'" : value)}"));

        void Positive(string key, int value)
        {
            if (value < 1)
            {
                throw Bad(path, key, "a positive integer", value);
            }
        }

        void Pattern(string key, string value)
        {
            var index = value.IndexOf("%d", StringComparison.Ordinal);
            if (index < 0 || value.IndexOf("%d", index + 2, StringComparison.Ordinal) >= 0)
            {
                throw Bad(path, key, "a name with one %d for the layer", value);
            }
        }

        void Name(string key, string? value)
        {
            if (string.IsNullOrWhiteSpace(value))
            {
                throw Bad(path, key, "a name", value ?? "null");
            }
        }

        void Id(string key, int value)
        {
            if (value < 0 || value >= VocabSize)
            {
                throw Bad(path, key, $"an id in [0, {VocabSize})", value);
            }
        }

        Name("model.type", ModelType);
        Positive("model.vocab_size", VocabSize);
        Positive("model.context_length", ContextLength);
        if (EosTokenIds is null || EosTokenIds.Count == 0)
        {
            throw Bad(path, "model.eos_token_id", "an id or a non-empty list of ids", "[]");
        }

        foreach (var id in EosTokenIds)
        {
            Id("model.eos_token_id", id);
        }

        if (BosTokenId is { } bos)
        {
            Id("model.bos_token_id", bos);
        }

        if (PadTokenId is { } pad)
        {
            Id("model.pad_token_id", pad);
        }

        Name("model.decoder.filename", ModelFileName);
        Positive("model.decoder.num_hidden_layers", NumHiddenLayers);
        Positive("model.decoder.num_attention_heads", NumAttentionHeads);
        Positive("model.decoder.num_key_value_heads", NumKeyValueHeads);
        if (NumAttentionHeads % NumKeyValueHeads != 0)
        {
            throw Bad(path, "model.decoder.num_key_value_heads", $"a divisor of num_attention_heads ({NumAttentionHeads})", NumKeyValueHeads);
        }

        Positive("model.decoder.head_size", HeadSize);
        Positive("model.decoder.hidden_size", HiddenSize);
        Name("model.decoder.inputs.input_ids", InputIdsName);
        Name("model.decoder.inputs.attention_mask", AttentionMaskName);
        if (PositionIdsName is not null)
        {
            Name("model.decoder.inputs.position_ids", PositionIdsName);
        }

        Pattern("model.decoder.inputs.past_key_names", PastKeyNames);
        Pattern("model.decoder.inputs.past_value_names", PastValueNames);
        Name("model.decoder.outputs.logits", LogitsName);
        Pattern("model.decoder.outputs.present_key_names", PresentKeyNames);
        Pattern("model.decoder.outputs.present_value_names", PresentValueNames);
        if (MaxLength < 0 || MaxLength > ContextLength)
        {
            throw Bad(path, "search.max_length", $"in [1, context_length ({ContextLength})]", MaxLength);
        }
    }

    /// <summary>Reads typed values by dotted key, with errors that name the file and the key.</summary>
    private sealed class Reader(string path)
    {
        public JsonElement Object(JsonElement parent, string key) =>
            OptionalObject(parent, key) ?? throw Missing(key);

        public JsonElement? OptionalObject(JsonElement? parent, string key)
        {
            if (Find(parent, key) is not { } value)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Object ? value : throw Wrong(key, "an object", value);
        }

        public string String(JsonElement parent, string key) => OptionalString(parent, key) ?? throw Missing(key);

        public string? OptionalString(JsonElement? parent, string key)
        {
            if (Find(parent, key) is not { } value)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.String ? value.GetString() : throw Wrong(key, "a string", value);
        }

        public int Int(JsonElement parent, string key) => OptionalInt(parent, key) ?? throw Missing(key);

        public int? OptionalInt(JsonElement? parent, string key)
        {
            if (Find(parent, key) is not { } value)
            {
                return null;
            }

            return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number) ? number : throw Wrong(key, "an integer", value);
        }

        public bool? OptionalBool(JsonElement? parent, string key)
        {
            if (Find(parent, key) is not { } value)
            {
                return null;
            }

            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw Wrong(key, "true or false", value),
            };
        }

        public int[] Ids(JsonElement parent, string key)
        {
            if (Find(parent, key) is not { } value)
            {
                throw Missing(key);
            }

            if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var single))
            {
                return [single];
            }

            if (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out _)))
            {
                return [.. value.EnumerateArray().Select(e => e.GetInt32())];
            }

            throw Wrong(key, "an integer or a list of integers", value);
        }

        private static JsonElement? Find(JsonElement? parent, string key)
        {
            var name = key[(key.LastIndexOf('.') + 1)..];
            return parent is { } element && element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;
        }

        private InvalidOperationException Missing(string key) => new($"{path}: {key} is missing");

        private InvalidOperationException Wrong(string key, string rule, JsonElement value) =>
            new($"{path}: {key} must be {rule}; got {value.GetRawText()}");
    }
}
