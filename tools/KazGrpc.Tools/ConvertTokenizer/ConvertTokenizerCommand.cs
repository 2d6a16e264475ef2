using System.CommandLine;
using System.Text.Json.Nodes;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.ConvertTokenizer;

/// <summary>
/// <c>kazgrpc convert-tokenizer --input tokenizer.json --output dir</c>: writes the byte-level BPE
/// files the tokenizer service loads (see <see cref="HuggingFaceBpeConverter"/>).
/// </summary>
internal sealed class ConvertTokenizerCommand : Command
{
    private readonly Option<string> _input = new("--input")
    {
        Description = "the tokenizer.json (a tokenizer_config.json beside it is carried over)",
        HelpName = "FILE",
        Required = true,
    };

    private readonly Option<string> _output = new("--output")
    {
        Description = "where vocab.json, merges.txt and tokenizer_config.json go (created if need be)",
        HelpName = "DIR",
        Required = true,
    };

    private readonly Option<bool> _json = CliOptions.Json();

    public ConvertTokenizerCommand()
        : base("convert-tokenizer", "convert a Hugging Face byte-level BPE tokenizer.json to vocab.json + merges.txt")
    {
        Options.Add(_input);
        Options.Add(_output);
        Options.Add(_json);
        SetAction(Run);
    }

    private int Run(ParseResult parse)
    {
        var terminal = new Terminal(parse);
        var input = parse.GetValue(_input)!;
        var target = parse.GetValue(_output)!;
        if (!File.Exists(input))
        {
            terminal.Error.WriteLine($"{terminal.CommandPath}: {input}: no such file");
            return ExitCodes.Failure;
        }

        try
        {
            var result = HuggingFaceBpeConverter.Convert(input, target);
            foreach (var warning in result.Warnings)
            {
                terminal.Error.WriteLine($"{terminal.CommandPath}: warning: {warning}");
            }

            if (parse.GetValue(_json))
            {
                JsonOutput.Write(terminal.Out, new JsonObject
                {
                    ["input"] = input,
                    ["output"] = target,
                    ["vocabularySize"] = result.VocabularySize,
                    ["mergeCount"] = result.MergeCount,
                    ["specialTokens"] = new JsonArray([.. result.SpecialTokens.Select(t => JsonValue.Create(t))]),
                    ["splitPattern"] = result.Pattern,
                    ["warnings"] = new JsonArray([.. result.Warnings.Select(w => JsonValue.Create(w))]),
                });
            }
            else
            {
                terminal.Out.WriteLine(
                    $"{input} -> {target}: {result.VocabularySize} tokens, {result.MergeCount} merges, " +
                    $"{result.SpecialTokens.Count} special tokens ({string.Join(' ', result.SpecialTokens)}), " +
                    $"split pattern {(result.Pattern is null ? "GPT-2's" : "from the Split pre-tokenizer")}");
            }

            return ExitCodes.Success;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            terminal.Error.WriteLine($"{terminal.CommandPath}: {input}: {e.Message}");
            return ExitCodes.Failure;
        }
    }
}
