using System.CommandLine;
using System.Globalization;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Inference;

/// <summary>
/// <c>kazgrpc generate PROMPT</c>: inference-svc's Generate. The text goes to stdout as it streams
/// in; the summary (finish reason, usage, timings) to stderr, so that stdout is the text alone.
/// </summary>
internal sealed class GenerateCommand : RpcCommand
{
    private readonly Argument<string[]> _prompt = new("PROMPT")
    {
        Description = "the prompt (with --chat: the user's message); several arguments are joined with spaces",
        Arity = ArgumentArity.OneOrMore,
    };

    private readonly Option<string> _model = new("--model") { Description = "generation model", HelpName = "NAME", DefaultValueFactory = _ => "kaz-tiny" };
    private readonly Option<bool> _chat = new("--chat") { Description = "send PROMPT as a user message, rendered with the model's chat template" };
    private readonly Option<string?> _system = new("--system") { Description = "a system message before the user's (implies --chat)", HelpName = "TEXT" };
    // Ranges are the service's to check: its INVALID_ARGUMENT names the field, the rule and the value.
    private readonly Option<uint?> _maxNewTokens = CliOptions.OptionalNumber<uint>(
        "--max-new-tokens", "most tokens to generate (service default: 256, or what the context leaves)", "N", _ => true, "a non-negative integer");

    private readonly Option<float?> _temperature = CliOptions.OptionalNumber<float>(
        "--temperature", "0 (the service default) is greedy; up to 2", "T", float.IsFinite, "a number");

    private readonly Option<float?> _topP = CliOptions.OptionalNumber<float>("--top-p", "nucleus sampling, in (0, 1]", "P", float.IsFinite, "a number");

    private readonly Option<uint?> _topK = CliOptions.OptionalNumber<uint>(
        "--top-k", "sample from the k most likely tokens only", "K", _ => true, "a non-negative integer");

    private readonly Option<ulong?> _seed = CliOptions.OptionalNumber<ulong>(
        "--seed", "sampling seed: the same seed repeats the output", "N", _ => true, "a non-negative integer");

    private readonly Option<string[]> _stop = new("--stop") { Description = "stop at this text (not returned); repeatable", HelpName = "TEXT" };
    private readonly Option<bool> _ignoreEos = new("--ignore-eos") { Description = "keep generating past end-of-sequence tokens" };

    public GenerateCommand()
        : base("generate", "generate text, streamed as it is decoded (inference-svc Generate)", ServiceEndpoint.Inference, 300)
    {
        Arguments.Add(_prompt);
        AddOption(_model);
        AddOption(_chat);
        AddOption(_system);
        AddOption(_maxNewTokens);
        AddOption(_temperature);
        AddOption(_topP);
        AddOption(_topK);
        AddOption(_seed);
        AddOption(_stop);
        AddOption(_ignoreEos);
    }

    /// <summary>The request the command line asks for; parameters the user left out stay unset, so that the service's defaults apply.</summary>
    internal GenerateRequest CreateRequest(ParseResult parse)
    {
        var prompt = string.Join(' ', parse.GetValue(_prompt)!);
        var request = new GenerateRequest { Model = parse.GetValue(_model)!, Parameters = new GenerationParameters() };
        if (parse.GetValue(_chat) || parse.GetValue(_system) is not null)
        {
            if (parse.GetValue(_system) is { } system)
            {
                request.Messages.Add(new ChatMessage { Role = "system", Content = system });
            }

            request.Messages.Add(new ChatMessage { Role = "user", Content = prompt });
        }
        else
        {
            request.Prompt = prompt;
        }

        var parameters = request.Parameters;
        if (parse.GetValue(_maxNewTokens) is { } maxNewTokens)
        {
            parameters.MaxNewTokens = maxNewTokens;
        }

        if (parse.GetValue(_temperature) is { } temperature)
        {
            parameters.Temperature = temperature;
        }

        if (parse.GetValue(_topP) is { } topP)
        {
            parameters.TopP = topP;
        }

        if (parse.GetValue(_topK) is { } topK)
        {
            parameters.TopK = topK;
        }

        if (parse.GetValue(_seed) is { } seed)
        {
            parameters.Seed = seed;
        }

        parameters.Stop.AddRange(parse.GetValue(_stop) ?? []);
        parameters.IgnoreEos = parse.GetValue(_ignoreEos);
        return request;
    }

    protected override async Task<int> RunAsync(RpcInvocation invocation)
    {
        var client = new InferenceService.InferenceServiceClient(invocation.CallInvoker);
        using var call = client.Generate(CreateRequest(invocation.Parse), invocation.CallOptions);
        var output = invocation.Terminal.Out;
        GenerationFinal? final = null;
        var lineOpen = false;
        try
        {
            await foreach (var response in call.ResponseStream.ReadAllAsync(invocation.CallOptions.CancellationToken))
            {
                if (invocation.Json)
                {
                    // One message per line as it arrives (JSON Lines), so that a reader can stream too.
                    JsonOutput.Write(output, response);
                }
                else if (response.ResponseCase == GenerateResponse.ResponseOneofCase.Chunk && response.Chunk.Text.Length > 0)
                {
                    await output.WriteAsync(response.Chunk.Text);
                    await output.FlushAsync();
                    lineOpen = !response.Chunk.Text.EndsWith('\n');
                }

                if (response.ResponseCase == GenerateResponse.ResponseOneofCase.Final)
                {
                    final = response.Final;
                }
            }
        }
        finally
        {
            // The summary, or the error of a stream that broke off (Ctrl+C, the deadline), starts a line of its own.
            if (lineOpen)
            {
                await output.WriteLineAsync();
            }
        }

        if (final is null)
        {
            throw new RpcException(new Status(StatusCode.Internal, "the stream ended without its final message"));
        }

        if (!invocation.Json)
        {
            await invocation.Terminal.Error.WriteLineAsync(Summary(final));
        }

        return ExitCodes.Success;
    }

    /// <summary>One line: why generation ended, the tokens, and where the time went.</summary>
    internal static string Summary(GenerationFinal final) => string.Create(
        CultureInfo.InvariantCulture,
        $"finish: {ProtoNames.Unprefixed(final.FinishReason)}; tokens: {final.Usage?.PromptTokens ?? 0} prompt + {final.Usage?.CompletionTokens ?? 0} completion; "
        + $"queue {final.Timings?.QueueMs ?? 0:0.#} ms, first token {final.Timings?.TimeToFirstTokenMs ?? 0:0.#} ms, total {final.Timings?.TotalMs ?? 0:0.#} ms");
}
