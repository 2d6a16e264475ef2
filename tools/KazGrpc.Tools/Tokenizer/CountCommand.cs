using System.CommandLine;
using System.Globalization;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Tokenizer;

/// <summary><c>kazgrpc count TEXT...</c>: tokenizer-svc's CountTokens, one count per text and their total.</summary>
internal sealed class CountCommand : RpcCommand
{
    private const int PreviewCharacters = 48;

    private readonly Argument<string[]> _texts = new("TEXT") { Description = "texts to count, one count each", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string> _tokenizer = CliOptions.TokenizerName();
    private readonly Option<bool> _addSpecialTokens = new("--add-special-tokens") { Description = "count the tokenizer's framing tokens too" };

    public CountCommand()
        : base("count", "how many tokens each text is (tokenizer-svc CountTokens)", ServiceEndpoint.Tokenizer, 30)
    {
        Arguments.Add(_texts);
        AddOption(_tokenizer);
        AddOption(_addSpecialTokens);
    }

    protected override async Task<int> RunAsync(RpcInvocation invocation)
    {
        var parse = invocation.Parse;
        var texts = parse.GetValue(_texts)!;
        var tokenizer = parse.GetValue(_tokenizer)!;
        var client = new TokenizerService.TokenizerServiceClient(invocation.CallInvoker);
        var response = await client.CountTokensAsync(
            new CountTokensRequest { Tokenizer = tokenizer, Texts = { texts }, AddSpecialTokens = parse.GetValue(_addSpecialTokens) },
            invocation.CallOptions);
        var output = invocation.Terminal.Out;
        if (invocation.Json)
        {
            JsonOutput.Write(output, response);
            return ExitCodes.Success;
        }

        if (texts.Length == 1)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{response.Counts[0]} tokens ({tokenizer})"));
            return ExitCodes.Success;
        }

        var width = response.Counts.Sum(c => (long)c).ToString(CultureInfo.InvariantCulture).Length;
        for (var i = 0; i < response.Counts.Count; i++)
        {
            await output.WriteLineAsync($"{response.Counts[i].ToString(CultureInfo.InvariantCulture).PadLeft(width)}  {Preview(texts[i])}");
        }

        await output.WriteLineAsync($"{response.Counts.Sum(c => (long)c).ToString(CultureInfo.InvariantCulture).PadLeft(width)}  tokens in all ({tokenizer})");
        return ExitCodes.Success;
    }

    private static string Preview(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= PreviewCharacters ? line : line[..(PreviewCharacters - 3)] + "...";
    }
}
