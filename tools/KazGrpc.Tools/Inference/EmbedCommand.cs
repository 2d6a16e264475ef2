using System.CommandLine;
using System.Globalization;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Inference;

/// <summary><c>kazgrpc embed TEXT...</c>: inference-svc's Embed; each vector's first values (all of them with <c>--json</c>).</summary>
internal sealed class EmbedCommand : RpcCommand
{
    private const int PreviewValues = 5;
    private const int PreviewCharacters = 40;

    private readonly Argument<string[]> _texts = new("TEXT") { Description = "texts to embed, one vector each", Arity = ArgumentArity.OneOrMore };
    private readonly Option<string> _model = new("--model") { Description = "embedding model", HelpName = "NAME", DefaultValueFactory = _ => "minilm" };
    private readonly Option<bool> _raw = new("--raw") { Description = "mean-pooled vectors as they are, not L2-normalised" };
    private readonly Option<bool> _truncate = new("--truncate") { Description = "cut texts longer than the model's context instead of failing" };

    public EmbedCommand()
        : base("embed", "embedding vectors of texts (inference-svc Embed)", ServiceEndpoint.Inference, 60)
    {
        Arguments.Add(_texts);
        AddOption(_model);
        AddOption(_raw);
        AddOption(_truncate);
    }

    protected override async Task<int> RunAsync(RpcInvocation invocation)
    {
        var parse = invocation.Parse;
        var texts = parse.GetValue(_texts)!;
        var client = new InferenceService.InferenceServiceClient(invocation.CallInvoker);
        var response = await client.EmbedAsync(
            new EmbedRequest { Model = parse.GetValue(_model)!, Inputs = { texts }, Normalize = !parse.GetValue(_raw), Truncate = parse.GetValue(_truncate) },
            invocation.CallOptions);
        var output = invocation.Terminal.Out;
        if (invocation.Json)
        {
            JsonOutput.Write(output, response);
            return ExitCodes.Success;
        }

        var dimensions = response.Embeddings.Count > 0 ? response.Embeddings[0].Values.Count : 0;
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{response.Model}: {response.Embeddings.Count} {(response.Embeddings.Count == 1 ? "vector" : "vectors")} of {dimensions} dimensions, {response.Usage?.PromptTokens ?? 0} tokens"));
        foreach (var embedding in response.Embeddings)
        {
            var values = embedding.Values.Take(PreviewValues).Select(v => v.ToString("+0.0000;-0.0000", CultureInfo.InvariantCulture));
            var more = embedding.Values.Count > PreviewValues ? ", ..." : "";
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"[{embedding.Index}] [{string.Join(", ", values)}{more}]  {Preview(texts[(int)embedding.Index])}"));
        }

        return ExitCodes.Success;
    }

    private static string Preview(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= PreviewCharacters ? line : line[..(PreviewCharacters - 3)] + "...";
    }
}
