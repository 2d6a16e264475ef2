using System.CommandLine;
using System.Globalization;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Tools.Cli;
using Spectre.Console;

namespace KazGrpc.Tools.Tokenizer;

/// <summary><c>kazgrpc tokenize TEXT...</c>: tokenizer-svc's Tokenize, the ids of each text, with <c>--offsets</c> a table of tokens and their spans.</summary>
internal sealed class TokenizeCommand : RpcCommand
{
    private readonly Argument<string[]> _texts = new("TEXT") { Description = "texts to tokenize, one result each", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string> _tokenizer = CliOptions.TokenizerName();
    private readonly Option<bool> _offsets = new("--offsets") { Description = "show each token's span of the text (Unicode code points) and its piece" };
    private readonly Option<bool> _addSpecialTokens = new("--add-special-tokens") { Description = "add the tokenizer's framing tokens (BOS; [CLS] and [SEP])" };

    public TokenizeCommand()
        : base("tokenize", "token ids of each text (tokenizer-svc Tokenize)", ServiceEndpoint.Tokenizer, 30)
    {
        Arguments.Add(_texts);
        AddOption(_tokenizer);
        AddOption(_offsets);
        AddOption(_addSpecialTokens);
    }

    protected override async Task<int> RunAsync(RpcInvocation invocation)
    {
        var parse = invocation.Parse;
        var texts = parse.GetValue(_texts)!;
        var tokenizer = parse.GetValue(_tokenizer)!;
        var offsets = parse.GetValue(_offsets);
        var client = new TokenizerService.TokenizerServiceClient(invocation.CallInvoker);
        var response = await client.TokenizeAsync(
            new TokenizeRequest { Tokenizer = tokenizer, Texts = { texts }, ReturnOffsets = offsets, AddSpecialTokens = parse.GetValue(_addSpecialTokens) },
            invocation.CallOptions);
        if (invocation.Json)
        {
            JsonOutput.Write(invocation.Terminal.Out, response);
            return ExitCodes.Success;
        }

        var console = invocation.Terminal.Console;
        for (var i = 0; i < response.Results.Count; i++)
        {
            var result = response.Results[i];
            var label = texts.Length > 1 ? $"[{i + 1}] " : "";
            console.MarkupLine(Markup.Escape(
                $"{label}{result.Ids.Count} tokens ({tokenizer}){(result.Truncated ? ", truncated" : "")}"));
            if (offsets)
            {
                console.Write(OffsetTable(texts[i], result));
            }
            else
            {
                console.WriteLine(string.Join(' ', result.Ids.Select(id => id.ToString(CultureInfo.InvariantCulture))));
            }
        }

        return ExitCodes.Success;
    }

    private static Table OffsetTable(string text, TokenizeResult result)
    {
        // Offsets count code points, as Python's str does; a surrogate pair is one of them.
        var codePoints = text.EnumerateRunes().Select(r => r.ToString()).ToArray();
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn(new TableColumn("#").RightAligned())
            .AddColumn(new TableColumn("id").RightAligned())
            .AddColumn(new TableColumn("span").RightAligned())
            .AddColumn("piece");
        for (var i = 0; i < result.Ids.Count; i++)
        {
            var offset = i < result.Offsets.Count ? result.Offsets[i] : null;
            var piece = offset is null ? "" : string.Concat(codePoints.Skip((int)offset.Start).Take((int)Math.Max(0, offset.End - offset.Start)));
            table.AddRow(
                new Spectre.Console.Text(i.ToString(CultureInfo.InvariantCulture)),
                new Spectre.Console.Text(result.Ids[i].ToString(CultureInfo.InvariantCulture)),
                new Spectre.Console.Text(offset is null ? "" : FormattableString.Invariant($"{offset.Start}-{offset.End}")),
                new Spectre.Console.Text(Quote(piece)));
        }

        return table;
    }

    /// <summary>The piece in quotes, with whitespace and control characters visible.</summary>
    internal static string Quote(string piece) =>
        "\"" + string.Concat(piece.Select(c => c switch
        {
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            '"' => "\\\"",
            '\\' => "\\\\",
            _ when char.IsControl(c) => FormattableString.Invariant($"\\u{(int)c:x4}"),
            _ => c.ToString(),
        })) + "\"";
}
