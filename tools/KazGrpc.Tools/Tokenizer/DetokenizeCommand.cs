using System.CommandLine;
using System.Globalization;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Tokenizer;

/// <summary><c>kazgrpc detokenize ID...</c>: tokenizer-svc's Detokenize, the text of the ids.</summary>
internal sealed class DetokenizeCommand : RpcCommand
{
    private readonly Argument<uint[]> _ids = new("ID")
    {
        Description = "token ids, as separate arguments or separated by commas (what `kazgrpc tokenize` prints)",
        Arity = ArgumentArity.OneOrMore,
        CustomParser = result =>
        {
            var ids = new List<uint>();
            foreach (var part in result.Tokens.SelectMany(t => t.Value.Split([',', ' ', '[', ']'], StringSplitOptions.RemoveEmptyEntries)))
            {
                if (!uint.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
                {
                    result.AddError($"ID must be a non-negative integer below 2^32; got '{part}'");
                    return [];
                }

                ids.Add(id);
            }

            if (ids.Count == 0)
            {
                result.AddError("give at least one ID");
            }

            return [.. ids];
        },
    };

    private readonly Option<string> _tokenizer = CliOptions.TokenizerName();
    private readonly Option<bool> _skipSpecialTokens = new("--skip-special-tokens") { Description = "leave control tokens out of the text" };

    public DetokenizeCommand()
        : base("detokenize", "the text of token ids (tokenizer-svc Detokenize)", ServiceEndpoint.Tokenizer, 30)
    {
        Arguments.Add(_ids);
        AddOption(_tokenizer);
        AddOption(_skipSpecialTokens);
    }

    protected override async Task<int> RunAsync(RpcInvocation invocation)
    {
        var parse = invocation.Parse;
        var client = new TokenizerService.TokenizerServiceClient(invocation.CallInvoker);
        var response = await client.DetokenizeAsync(
            new DetokenizeRequest { Tokenizer = parse.GetValue(_tokenizer)!, Ids = { parse.GetValue(_ids)! }, SkipSpecialTokens = parse.GetValue(_skipSpecialTokens) },
            invocation.CallOptions);
        if (invocation.Json)
        {
            JsonOutput.Write(invocation.Terminal.Out, response);
        }
        else
        {
            await invocation.Terminal.Out.WriteLineAsync(response.Text);
        }

        return ExitCodes.Success;
    }
}
