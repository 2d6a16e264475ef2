using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KazGrpc.Tokenization;

namespace KazGrpc.Tools.ConvertTokenizer;

/// <summary>
/// Converts a Hugging Face <c>tokenizer.json</c> holding a byte-level BPE tokenizer (GPT-2, Llama 3,
/// Qwen 2 and their kin) into the <c>vocab.json</c> + <c>merges.txt</c> + <c>tokenizer_config.json</c>
/// that <see cref="ByteLevelBpeLoader"/> reads, since Microsoft.ML.Tokenizers cannot read
/// <c>tokenizer.json</c>. Whatever the loader would tokenize differently is refused
/// (<see cref="InvalidDataException"/>) or, where only framing or rare inputs differ, reported as a
/// warning.
/// </summary>
/// <remarks>
/// Accepted: <c>model.type</c> BPE without subword prefix, word suffix, byte fallback or dropout; no
/// normalizer; pre-tokenizer <c>ByteLevel</c> (GPT-2's split pattern) or a <c>Sequence</c> of one
/// regex <c>Split</c> (<c>Isolated</c>) and <c>ByteLevel</c> without its own regex (the Split's pattern
/// is written to <c>tokenizer_config.json</c> as <c>pre_tokenizer_pattern</c>); decoder <c>ByteLevel</c>;
/// merges as <c>"a b"</c> strings or <c>["a", "b"]</c> pairs; <c>ignore_merges</c> only when plain BPE
/// gives the same tokens. <c>added_tokens</c> become <c>added_tokens_decoder</c>. The other keys of a
/// <c>tokenizer_config.json</c> next to the input (BOS/EOS, chat template, length) are kept; without
/// one, BOS comes from a <c>TemplateProcessing</c> post-processor and EOS from the well-known spellings.
/// </remarks>
internal static class HuggingFaceBpeConverter
{
    private const string Expected = "convert-tokenizer converts byte-level BPE only (model.type \"BPE\" with a ByteLevel pre-tokenizer and decoder)";

    private static readonly string[] EosSpellings = ["<|endoftext|>", "<|end_of_text|>", "</s>", "<|im_end|>"];

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Reads <paramref name="inputPath"/> and writes the three files into <paramref name="outputDirectory"/> (created if need be).</summary>
    /// <exception cref="InvalidDataException">The input is not a byte-level BPE <c>tokenizer.json</c>,
    /// or uses a feature the loader cannot reproduce; the message says which.</exception>
    public static ConversionResult Convert(string inputPath, string outputDirectory)
    {
        using var document = Parse(inputPath);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"not a Hugging Face tokenizer.json (no \"model\" object); {Expected}");
        }

        var warnings = new List<string>();
        CheckModel(model);
        CheckNormalizer(root);
        var pattern = ReadPattern(root);
        CheckDecoder(root);

        var added = ReadAddedTokens(root, warnings);
        var addedContents = added.Select(a => a.Content).ToHashSet(StringComparer.Ordinal);
        var vocab = ReadVocabulary(model, addedContents);
        var merges = ReadMerges(model, vocab);
        if (model.TryGetProperty("ignore_merges", out var ignoreMerges) && ignoreMerges.ValueKind == JsonValueKind.True)
        {
            var unreachable = WholeWordCheck.FindUnreachable(vocab, merges, addedContents, limit: 5);
            if (unreachable.Count > 0)
            {
                throw new InvalidDataException(
                    $"model.ignore_merges is true and merging does not produce some vocabulary tokens whole (e.g. {string.Join(", ", unreachable.Select(Quote))}), so plain BPE would tokenize words differently");
            }
        }

        AddNonSpecialTokens(vocab, added, warnings);
        var config = BuildConfig(inputPath, root, added, pattern, warnings);

        Directory.CreateDirectory(outputDirectory);
        WriteVocabulary(Path.Combine(outputDirectory, "vocab.json"), vocab);
        WriteMerges(Path.Combine(outputDirectory, "merges.txt"), merges);
        File.WriteAllText(Path.Combine(outputDirectory, "tokenizer_config.json"), config.ToJsonString(WriteOptions) + "\n");

        var specials = added.Where(a => a.Special).OrderBy(a => a.Id).Select(a => a.Content).ToList();
        return new ConversionResult(vocab.Count, merges.Count, specials, pattern, warnings);
    }

    private static JsonDocument Parse(string inputPath)
    {
        try
        {
            using var stream = File.OpenRead(inputPath);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"not JSON ({e.Message})", e);
        }
    }

    private static void CheckModel(JsonElement model)
    {
        var type = ReadString(model, "type");
        if (type != "BPE")
        {
            throw new InvalidDataException(type is null
                ? $"model has no \"type\"; {Expected}"
                : $"model.type is \"{type}\"; {Expected}");
        }

        foreach (var option in new[] { "continuing_subword_prefix", "end_of_word_suffix" })
        {
            if (ReadString(model, option) is { Length: > 0 } value)
            {
                throw new InvalidDataException($"model.{option} is \"{value}\"; byte-level BPE has none");
            }
        }

        if (model.TryGetProperty("byte_fallback", out var fallback) && fallback.ValueKind == JsonValueKind.True)
        {
            throw new InvalidDataException("model.byte_fallback is true (SentencePiece-style BPE); byte-level BPE needs no fallback");
        }

        if (model.TryGetProperty("dropout", out var dropout) && dropout.ValueKind == JsonValueKind.Number && dropout.GetDouble() > 0)
        {
            throw new InvalidDataException($"model.dropout is {dropout.GetRawText()}; the loader has no BPE dropout");
        }
    }

    private static void CheckNormalizer(JsonElement root)
    {
        if (root.TryGetProperty("normalizer", out var normalizer) && normalizer.ValueKind != JsonValueKind.Null)
        {
            throw new InvalidDataException($"normalizer \"{ReadString(normalizer, "type")}\" is not supported: the loader normalizes nothing");
        }
    }

    /// <summary>The split pattern, or null for GPT-2's (a lone ByteLevel pre-tokenizer).</summary>
    private static string? ReadPattern(JsonElement root)
    {
        if (!root.TryGetProperty("pre_tokenizer", out var pre) || pre.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException($"there is no pre_tokenizer; {Expected}");
        }

        var type = ReadString(pre, "type");
        if (type == "ByteLevel")
        {
            CheckByteLevel(pre, "pre_tokenizer", mustSplit: true);
            return null;
        }

        if (type == "Sequence" && pre.TryGetProperty("pretokenizers", out var steps) && steps.ValueKind == JsonValueKind.Array
            && steps.GetArrayLength() == 2 && ReadString(steps[0], "type") == "Split" && ReadString(steps[1], "type") == "ByteLevel")
        {
            var split = steps[0];
            CheckByteLevel(steps[1], "pre_tokenizer.pretokenizers[1]", mustSplit: false);
            var regex = split.TryGetProperty("pattern", out var p) && p.ValueKind == JsonValueKind.Object ? ReadString(p, "Regex") : null;
            if (regex is null)
            {
                throw new InvalidDataException("pre_tokenizer Split has no \"Regex\" pattern; only regular-expression splits are supported");
            }

            if (ReadString(split, "behavior") != "Isolated" || (split.TryGetProperty("invert", out var invert) && invert.ValueKind == JsonValueKind.True))
            {
                throw new InvalidDataException($"pre_tokenizer Split has behavior \"{ReadString(split, "behavior")}\"; only \"Isolated\" without invert is supported");
            }

            try
            {
                _ = new Regex(regex, RegexOptions.CultureInvariant);
            }
            catch (ArgumentException e)
            {
                throw new InvalidDataException($"pre_tokenizer Split pattern {Quote(regex)} is not a .NET regular expression ({e.Message})", e);
            }

            return regex == ByteLevelBpeLoader.Gpt2Pattern ? null : regex;
        }

        throw new InvalidDataException(
            $"pre_tokenizer \"{type}\" is not supported: expected ByteLevel, or a Sequence of a regex Split and ByteLevel; {Expected}");
    }

    private static void CheckByteLevel(JsonElement byteLevel, string where, bool mustSplit)
    {
        if (byteLevel.TryGetProperty("add_prefix_space", out var prefix) && prefix.ValueKind == JsonValueKind.True)
        {
            throw new InvalidDataException($"{where}.add_prefix_space is true; the loader adds no space before the text");
        }

        // use_regex defaults to true in Hugging Face's ByteLevel.
        var useRegex = !byteLevel.TryGetProperty("use_regex", out var regex) || regex.ValueKind != JsonValueKind.False;
        if (useRegex != mustSplit)
        {
            throw new InvalidDataException(mustSplit
                ? $"{where}.use_regex is false, so text is not split into words; the loader always splits"
                : $"{where}.use_regex is true after a Split, so text is split twice; the loader splits once");
        }
    }

    private static void CheckDecoder(JsonElement root)
    {
        var type = root.TryGetProperty("decoder", out var decoder) && decoder.ValueKind == JsonValueKind.Object ? ReadString(decoder, "type") : null;
        if (type != "ByteLevel")
        {
            throw new InvalidDataException($"decoder is \"{type ?? "none"}\", not ByteLevel; {Expected}");
        }
    }

    private static List<AddedToken> ReadAddedTokens(JsonElement root, List<string> warnings)
    {
        var tokens = new List<AddedToken>();
        if (!root.TryGetProperty("added_tokens", out var added) || added.ValueKind != JsonValueKind.Array)
        {
            return tokens;
        }

        foreach (var entry in added.EnumerateArray())
        {
            if (!entry.TryGetProperty("id", out var id) || !id.TryGetInt32(out var tokenId) || ReadString(entry, "content") is not { Length: > 0 } content)
            {
                throw new InvalidDataException($"added_tokens entry {entry.GetRawText()} has no id or content");
            }

            var token = new AddedToken(tokenId, content, Flag(entry, "special"), Flag(entry, "lstrip"), Flag(entry, "rstrip"), Flag(entry, "single_word"), Flag(entry, "normalized"));
            if (token.Special && (token.LStrip || token.RStrip || token.SingleWord))
            {
                warnings.Add($"added token {Quote(content)} (id {tokenId}) has lstrip, rstrip or single_word; the loader matches its spelling exactly, so whitespace next to it encodes differently when special tokens are allowed");
            }

            tokens.Add(token);
        }

        return tokens;
    }

    private static Dictionary<string, int> ReadVocabulary(JsonElement model, HashSet<string> addedContents)
    {
        if (!model.TryGetProperty("vocab", out var vocabElement) || vocabElement.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidDataException("model.vocab is not an object of token to id");
        }

        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var entry in vocabElement.EnumerateObject())
        {
            if (!entry.Value.TryGetInt32(out var id) || id < 0)
            {
                throw new InvalidDataException($"model.vocab token {Quote(entry.Name)} has id {entry.Value.GetRawText()}, not a non-negative integer");
            }

            if (!ByteLevelAlphabet.TryDecode(entry.Name, out _) && !addedContents.Contains(entry.Name))
            {
                var odd = entry.Name.First(c => !ByteLevelAlphabet.TryDecode(c.ToString(), out _));
                throw new InvalidDataException(
                    $"model.vocab token {Quote(entry.Name)} (id {id}) has U+{(int)odd:X4}, which is not in GPT-2's byte-level alphabet; {Expected}");
            }

            vocab[entry.Name] = id;
        }

        return vocab;
    }

    private static List<(string Left, string Right)> ReadMerges(JsonElement model, Dictionary<string, int> vocab)
    {
        if (!model.TryGetProperty("merges", out var mergesElement) || mergesElement.ValueKind != JsonValueKind.Array)
        {
            throw new InvalidDataException("model.merges is not an array");
        }

        var merges = new List<(string, string)>(mergesElement.GetArrayLength());
        var seen = new Dictionary<(string, string), int>();
        var index = 0;
        foreach (var entry in mergesElement.EnumerateArray())
        {
            // Two forms: "a b" (merges.txt's line) and, since tokenizers 0.20, ["a", "b"].
            string? left = null, right = null;
            if (entry.ValueKind == JsonValueKind.String)
            {
                var parts = entry.GetString()!.Split(' ');
                if (parts.Length == 2)
                {
                    (left, right) = (parts[0], parts[1]);
                }
            }
            else if (entry.ValueKind == JsonValueKind.Array && entry.GetArrayLength() == 2
                     && entry[0].ValueKind == JsonValueKind.String && entry[1].ValueKind == JsonValueKind.String)
            {
                (left, right) = (entry[0].GetString(), entry[1].GetString());
            }

            if (left is not { Length: > 0 } || right is not { Length: > 0 })
            {
                throw new InvalidDataException($"model.merges[{index}] is {entry.GetRawText()}; expected \"a b\" or [\"a\", \"b\"]");
            }

            if (left.Contains(' ', StringComparison.Ordinal) || right.Contains(' ', StringComparison.Ordinal))
            {
                throw new InvalidDataException($"model.merges[{index}] {entry.GetRawText()} has a space, which byte-level tokens never have and merges.txt cannot hold");
            }

            foreach (var token in new[] { left, right, left + right })
            {
                if (!vocab.ContainsKey(token))
                {
                    throw new InvalidDataException($"model.merges[{index}] {entry.GetRawText()}: {Quote(token)} is not in model.vocab");
                }
            }

            if (!seen.TryAdd((left, right), index))
            {
                throw new InvalidDataException($"model.merges[{index}] {entry.GetRawText()} repeats model.merges[{seen[(left, right)]}]");
            }

            merges.Add((left, right));
            index++;
        }

        return merges;
    }

    /// <summary>
    /// Non-special added tokens stay out of the loader's control tokens; so that their ids still
    /// decode, those missing from the vocabulary are added to it, spelled in the byte-level alphabet.
    /// </summary>
    private static void AddNonSpecialTokens(Dictionary<string, int> vocab, List<AddedToken> added, List<string> warnings)
    {
        var ids = vocab.Values.ToHashSet();
        foreach (var token in added.Where(a => !a.Special))
        {
            warnings.Add($"added token {Quote(token.Content)} (id {token.Id}) is not special; the loader encodes its spelling as ordinary text where Hugging Face matches it whole");
            var spelling = ByteLevelAlphabet.Encode(Encoding.UTF8.GetBytes(token.Content));
            if (!ids.Contains(token.Id) && vocab.TryAdd(spelling, token.Id))
            {
                ids.Add(token.Id);
            }
        }
    }

    private static JsonObject BuildConfig(string inputPath, JsonElement root, List<AddedToken> added, string? pattern, List<string> warnings)
    {
        // A Hugging Face repository keeps BOS/EOS, the chat template and the length limit in a
        // tokenizer_config.json beside tokenizer.json; keep all of it.
        var sibling = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(inputPath))!, "tokenizer_config.json");
        var config = File.Exists(sibling) && JsonNode.Parse(File.ReadAllText(sibling)) is JsonObject existing ? existing : new JsonObject();

        var decoder = new JsonObject();
        foreach (var token in added.OrderBy(a => a.Id))
        {
            decoder[token.Id.ToString(CultureInfo.InvariantCulture)] = new JsonObject
            {
                ["content"] = token.Content,
                ["lstrip"] = token.LStrip,
                ["normalized"] = token.Normalized,
                ["rstrip"] = token.RStrip,
                ["single_word"] = token.SingleWord,
                ["special"] = token.Special,
            };
        }

        config["added_tokens_decoder"] = decoder;
        if (pattern is null)
        {
            config.Remove("pre_tokenizer_pattern");
        }
        else
        {
            config["pre_tokenizer_pattern"] = pattern;
        }

        var specials = added.Where(a => a.Special).Select(a => a.Content).ToHashSet(StringComparer.Ordinal);
        var (prefix, suffix) = ReadTemplate(root);
        if (!config.ContainsKey("bos_token") && prefix is not null)
        {
            config["bos_token"] = prefix;
            config["add_bos_token"] ??= true;
        }

        if (!config.ContainsKey("eos_token") && EosSpellings.FirstOrDefault(specials.Contains) is { } eos)
        {
            config["eos_token"] = eos;
        }

        if (suffix.Count > 0)
        {
            warnings.Add($"post_processor appends {string.Join(", ", suffix.Select(Quote))} after the text; the loader's framing does not");
        }

        return config;
    }

    /// <summary>The special token a TemplateProcessing post-processor puts before a single text, and those it puts after.</summary>
    private static (string? Prefix, List<string> Suffix) ReadTemplate(JsonElement root)
    {
        var suffix = new List<string>();
        if (!root.TryGetProperty("post_processor", out var post) || post.ValueKind != JsonValueKind.Object)
        {
            return (null, suffix);
        }

        var processors = ReadString(post, "type") == "Sequence" && post.TryGetProperty("processors", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().ToList()
            : [post];
        var template = processors.FirstOrDefault(p => ReadString(p, "type") == "TemplateProcessing");
        if (template.ValueKind != JsonValueKind.Object || !template.TryGetProperty("single", out var single) || single.ValueKind != JsonValueKind.Array)
        {
            return (null, suffix);
        }

        string? prefix = null;
        var afterText = false;
        foreach (var piece in single.EnumerateArray())
        {
            if (piece.TryGetProperty("Sequence", out _))
            {
                afterText = true;
            }
            else if (piece.TryGetProperty("SpecialToken", out var special) && ReadString(special, "id") is { } id)
            {
                if (afterText)
                {
                    suffix.Add(id);
                }
                else
                {
                    prefix ??= id;
                }
            }
        }

        return (prefix, suffix);
    }

    private static void WriteVocabulary(string path, Dictionary<string, int> vocab)
    {
        using var stream = File.Create(path);
        using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        foreach (var (token, id) in vocab.OrderBy(kv => kv.Value))
        {
            writer.WriteNumber(token, id);
        }

        writer.WriteEndObject();
    }

    private static void WriteMerges(string path, List<(string Left, string Right)> merges)
    {
        var text = new StringBuilder(merges.Count * 12);
        text.Append("#version: 0.2\n");
        foreach (var (left, right) in merges)
        {
            text.Append(left).Append(' ').Append(right).Append('\n');
        }

        File.WriteAllText(path, text.ToString());
    }

    private static string? ReadString(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static bool Flag(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.True;

    private static string Quote(string text) => JsonSerializer.Serialize(text, WriteOptions);
}
