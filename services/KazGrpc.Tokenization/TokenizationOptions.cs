namespace KazGrpc.Tokenization;

/// <summary>Configuration of the tokenizer registry and request limits (section <c>Tokenization</c>).</summary>
public sealed class TokenizationOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Tokenization";

    /// <summary>Directory whose sub-directories are model directories; each one's tokenizer is
    /// registered under the sub-directory's name. Default <c>models</c> (relative to the working directory).</summary>
    public string ModelsDirectory { get; set; } = "models";

    /// <summary>Built-in encodings to load. Default o200k_base, cl100k_base, gpt2.</summary>
    public IList<string> Builtins { get; set; } = ["o200k_base", "cl100k_base", "gpt2"];

    /// <summary>Encoders per tokenizer, i.e. concurrent encodings per tokenizer. Default: the number of processors.</summary>
    public int WorkersPerTokenizer { get; set; } = Environment.ProcessorCount;

    /// <summary>Most texts in one request. Default 1024.</summary>
    public int MaxTexts { get; set; } = 1024;

    /// <summary>Most UTF-8 bytes of one text. Default 1 MiB.</summary>
    public int MaxTextBytes { get; set; } = 1 << 20;

    /// <summary>Most UTF-8 bytes of all texts of one request. Default 8 MiB.</summary>
    public int MaxRequestBytes { get; set; } = 8 << 20;

    /// <summary>Most ids in one Detokenize request. Default 1,048,576.</summary>
    public int MaxDetokenizeIds { get; set; } = 1 << 20;

    /// <summary>Most open sequences on one DetokenizeStream. Default 65,536.</summary>
    public int MaxSequencesPerStream { get; set; } = 65_536;

    /// <summary>Most messages in one chat. Default 1024.</summary>
    public int MaxChatMessages { get; set; } = 1024;

    /// <summary>Most bytes of a request or sequence id. Default 128.</summary>
    public int MaxIdBytes { get; set; } = 128;

    /// <summary>Throws when a value is out of range; called at start-up.</summary>
    public void Validate()
    {
        static void Positive(int value, string name)
        {
            if (value < 1)
            {
                throw new InvalidOperationException($"{SectionName}:{name} must be at least 1; got {value}");
            }
        }

        Positive(WorkersPerTokenizer, nameof(WorkersPerTokenizer));
        Positive(MaxTexts, nameof(MaxTexts));
        Positive(MaxTextBytes, nameof(MaxTextBytes));
        Positive(MaxRequestBytes, nameof(MaxRequestBytes));
        Positive(MaxDetokenizeIds, nameof(MaxDetokenizeIds));
        Positive(MaxSequencesPerStream, nameof(MaxSequencesPerStream));
        Positive(MaxChatMessages, nameof(MaxChatMessages));
        Positive(MaxIdBytes, nameof(MaxIdBytes));
        foreach (var builtin in Builtins)
        {
            if (!TiktokenLoader.BuiltinNames.Contains(builtin))
            {
                throw new InvalidOperationException($"{SectionName}:Builtins names '{builtin}', which is not one of {string.Join(", ", TiktokenLoader.BuiltinNames)}");
            }
        }
    }
}
