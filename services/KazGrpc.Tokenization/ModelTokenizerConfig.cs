using System.Text.Json;

namespace KazGrpc.Tokenization;

/// <summary>
/// What a model directory says about its tokenizer, read from the optional files
/// <c>tokenizer_config.json</c> (Hugging Face) and <c>genai_config.json</c> (onnxruntime-genai).
/// Values that are absent stay null and the loader's defaults apply.
/// </summary>
public sealed class ModelTokenizerConfig
{
    /// <summary>An empty configuration.</summary>
    public static ModelTokenizerConfig Empty { get; } = new();

    /// <summary>Longest sequence, from <c>model_max_length</c> or genai's <c>context_length</c>.</summary>
    public int? MaxTokens { get; init; }

    /// <summary>Spelling of the BOS token (<c>bos_token</c>).</summary>
    public string? BosToken { get; init; }

    /// <summary>Spelling of the EOS token (<c>eos_token</c>).</summary>
    public string? EosToken { get; init; }

    /// <summary>Spelling of the padding token (<c>pad_token</c>).</summary>
    public string? PadToken { get; init; }

    /// <summary>Whether framing adds BOS (<c>add_bos_token</c>).</summary>
    public bool? AddBosToken { get; init; }

    /// <summary>Whether the WordPiece vocabulary is uncased (<c>do_lower_case</c>); default true.</summary>
    public bool? DoLowerCase { get; init; }

    /// <summary>The chat format, when <c>chat_template</c> reveals it.</summary>
    public ChatTemplateKind? ChatTemplate { get; init; }

    /// <summary>Extra control tokens (<c>added_tokens_decoder</c> entries marked special).</summary>
    public IReadOnlyDictionary<string, int> AddedTokens { get; init; } = new Dictionary<string, int>();

    /// <summary>
    /// Split pattern of a byte-level BPE tokenizer's pre-tokenizer (<c>pre_tokenizer_pattern</c>, a
    /// .NET regular expression; not a Hugging Face key: <c>kazgrpc convert-tokenizer</c> writes it
    /// when a <c>tokenizer.json</c> splits with its own pattern). Null: GPT-2's pattern.
    /// </summary>
    public string? PreTokenizerPattern { get; init; }

    /// <summary>The Hugging Face tokenizer class (<c>tokenizer_class</c>, e.g. <c>XLMRobertaTokenizer</c>).</summary>
    public string? TokenizerClass { get; init; }

    /// <summary>Whether <see cref="TokenizerClass"/> is XLM-RoBERTa's (slow or fast), whose
    /// SentencePiece ids are fairseq's.</summary>
    public bool IsXlmRoberta => TokenizerClass is "XLMRobertaTokenizer" or "XLMRobertaTokenizerFast";

    /// <summary>EOS ids from genai's <c>eos_token_id</c>.</summary>
    public IReadOnlyList<int>? EosIds { get; init; }

    /// <summary>Reads the configuration files of <paramref name="directory"/>.</summary>
    public static ModelTokenizerConfig Read(string directory)
    {
        int? maxTokens = null;
        string? bos = null, eos = null, pad = null, pattern = null, tokenizerClass = null;
        bool? addBos = null, lower = null;
        ChatTemplateKind? template = null;
        var added = new Dictionary<string, int>();
        List<int>? eosIds = null;

        var tokenizerConfig = Path.Combine(directory, "tokenizer_config.json");
        if (File.Exists(tokenizerConfig))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(tokenizerConfig));
            var root = doc.RootElement;
            if (root.TryGetProperty("model_max_length", out var max) && max.ValueKind == JsonValueKind.Number && max.TryGetInt64(out var m) && m is > 0 and < int.MaxValue)
            {
                maxTokens = (int)m;
            }

            bos = TokenSpelling(root, "bos_token");
            eos = TokenSpelling(root, "eos_token");
            pad = TokenSpelling(root, "pad_token");
            addBos = root.TryGetProperty("add_bos_token", out var ab) && ab.ValueKind is JsonValueKind.True or JsonValueKind.False ? ab.GetBoolean() : null;
            lower = root.TryGetProperty("do_lower_case", out var dl) && dl.ValueKind is JsonValueKind.True or JsonValueKind.False ? dl.GetBoolean() : null;
            if (root.TryGetProperty("tokenizer_class", out var tc) && tc.ValueKind == JsonValueKind.String)
            {
                tokenizerClass = tc.GetString();
            }

            if (root.TryGetProperty("pre_tokenizer_pattern", out var pp) && pp.ValueKind == JsonValueKind.String)
            {
                pattern = pp.GetString();
            }

            if (root.TryGetProperty("chat_template", out var ct) && ct.ValueKind == JsonValueKind.String)
            {
                template = ct.GetString()!.Contains("<|start_header_id|>", StringComparison.Ordinal) ? ChatTemplateKind.Llama3 : ChatTemplateKind.Plain;
            }

            if (root.TryGetProperty("added_tokens_decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in decoder.EnumerateObject())
                {
                    if (int.TryParse(entry.Name, System.Globalization.CultureInfo.InvariantCulture, out var id)
                        && entry.Value.TryGetProperty("content", out var content)
                        && (!entry.Value.TryGetProperty("special", out var special) || special.ValueKind == JsonValueKind.True))
                    {
                        added[content.GetString()!] = id;
                    }
                }
            }
        }

        var genaiConfig = Path.Combine(directory, "genai_config.json");
        if (File.Exists(genaiConfig))
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(genaiConfig));
            if (doc.RootElement.TryGetProperty("model", out var model))
            {
                if (model.TryGetProperty("context_length", out var ctx) && ctx.TryGetInt32(out var c) && c > 0)
                {
                    maxTokens ??= c;
                }

                if (model.TryGetProperty("eos_token_id", out var eosId))
                {
                    eosIds = eosId.ValueKind == JsonValueKind.Array ? eosId.EnumerateArray().Select(e => e.GetInt32()).ToList() : [eosId.GetInt32()];
                }
            }
        }

        return new ModelTokenizerConfig
        {
            MaxTokens = maxTokens,
            BosToken = bos,
            EosToken = eos,
            PadToken = pad,
            AddBosToken = addBos,
            DoLowerCase = lower,
            ChatTemplate = template,
            AddedTokens = added,
            EosIds = eosIds,
            PreTokenizerPattern = pattern,
            TokenizerClass = tokenizerClass,
        };
    }

    /// <summary>Returns <paramref name="definition"/> with the values this configuration sets.</summary>
    public TokenizerDefinition ApplyTo(TokenizerDefinition definition)
    {
        var bos = BosToken is null ? definition.BosId : definition.FindSpecial(BosToken) ?? definition.BosId;
        var prefix = AddBosToken switch
        {
            true when bos is int b => [b],
            false => [],
            _ => definition.PrefixIds,
        };
        var eos = EosIds ?? (EosToken is not null && definition.FindSpecial(EosToken) is int e ? [e] : definition.EosIds);
        return new TokenizerDefinition
        {
            Name = definition.Name,
            Kind = definition.Kind,
            Bytes = definition.Bytes,
            SpecialTokens = definition.SpecialTokens,
            CreateEncoder = definition.CreateEncoder,
            MaxTokens = MaxTokens ?? definition.MaxTokens,
            BosId = bos,
            EosIds = eos,
            PadId = PadToken is not null ? definition.FindSpecial(PadToken) ?? definition.PadId : definition.PadId,
            PrefixIds = prefix,
            SuffixIds = definition.SuffixIds,
            ChatTemplate = ChatTemplate ?? definition.ChatTemplate,
        };
    }

    private static string? TokenSpelling(JsonElement root, string property)
    {
        if (!root.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var content) => content.GetString(),
            _ => null,
        };
    }
}
