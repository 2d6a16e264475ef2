namespace KazGrpc.Tools.ConvertTokenizer;

/// <summary>
/// <c>kazgrpc convert-tokenizer --input tokenizer.json --output dir</c>: writes the byte-level BPE
/// files the tokenizer service loads (see <see cref="HuggingFaceBpeConverter"/>).
/// </summary>
internal sealed class ConvertTokenizerCommand : IToolCommand
{
    private static readonly string[] OptionNames = ["input", "output"];

    public string Name => "convert-tokenizer";

    public string Summary => "convert a Hugging Face byte-level BPE tokenizer.json to vocab.json + merges.txt";

    public string Usage => """
          --input <file>   the tokenizer.json (a tokenizer_config.json beside it is carried over)
          --output <dir>   where vocab.json, merges.txt and tokenizer_config.json go (created if need be)
        """;

    public int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CommandLineOptions.Parse(args, OptionNames, out var usageError);
        var input = options?.Get("input");
        var target = options?.Get("output");
        if (options is null || input is null || target is null)
        {
            error.WriteLine($"kazgrpc {Name}: {(options is null ? usageError : "--input and --output are required")}");
            error.WriteLine(Usage);
            return ExitCodes.Usage;
        }

        if (!File.Exists(input))
        {
            error.WriteLine($"kazgrpc {Name}: {input}: no such file");
            return ExitCodes.Failure;
        }

        try
        {
            var result = HuggingFaceBpeConverter.Convert(input, target);
            foreach (var warning in result.Warnings)
            {
                error.WriteLine($"kazgrpc {Name}: warning: {warning}");
            }

            output.WriteLine(
                $"{input} -> {target}: {result.VocabularySize} tokens, {result.MergeCount} merges, " +
                $"{result.SpecialTokens.Count} special tokens ({string.Join(' ', result.SpecialTokens)}), " +
                $"split pattern {(result.Pattern is null ? "GPT-2's" : "from the Split pre-tokenizer")}");
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"kazgrpc {Name}: {input}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
