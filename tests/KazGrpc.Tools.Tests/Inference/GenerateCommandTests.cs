using System.CommandLine;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Tools.Inference;

namespace KazGrpc.Tools.Tests.Inference;

public sealed class GenerateCommandTests
{
    [Fact]
    public void CreateRequest_PromptOnly_ServiceDefaultsStayUnset()
    {
        var request = CreateRequest("Қазақстан", "Республикасы");

        Assert.Equal(("kaz-tiny", "Қазақстан Республикасы"), (request.Model, request.Prompt));
        Assert.Empty(request.Messages);
        Assert.False(request.Parameters.HasMaxNewTokens);
        Assert.False(request.Parameters.HasTopP);
        Assert.False(request.Parameters.HasSeed);
        Assert.Equal((0f, 0u, false), (request.Parameters.Temperature, request.Parameters.TopK, request.Parameters.IgnoreEos));
    }

    [Fact]
    public void CreateRequest_ChatWithSystem_SystemThenUserMessage()
    {
        var request = CreateRequest("Сәлем!", "--chat", "--system", "Сен көмекшісің.");

        Assert.Equal("", request.Prompt);
        Assert.Equal([("system", "Сен көмекшісің."), ("user", "Сәлем!")], request.Messages.Select(m => (m.Role, m.Content)));
    }

    [Fact]
    public void CreateRequest_SystemWithoutChat_ImpliesChat()
    {
        var request = CreateRequest("Сәлем!", "--system", "s");

        Assert.Equal(["system", "user"], request.Messages.Select(m => m.Role));
    }

    [Fact]
    public void CreateRequest_EveryParameter_Carried()
    {
        var request = CreateRequest(
            "p", "--model", "kazllm-8b", "--max-new-tokens", "32", "--temperature", "0.8", "--top-p", "0.95", "--top-k", "40",
            "--seed", "7", "--stop", "\n\n", "--stop", "END", "--ignore-eos");

        var parameters = request.Parameters;
        Assert.Equal("kazllm-8b", request.Model);
        Assert.Equal((32u, 0.8f, 0.95f, 40u, 7ul, true), (parameters.MaxNewTokens, parameters.Temperature, parameters.TopP, parameters.TopK, parameters.Seed, parameters.IgnoreEos));
        Assert.Equal(["\n\n", "END"], parameters.Stop);
    }

    [Fact]
    public void Summary_Final_FinishReasonUsageAndTimings()
    {
        var final = new GenerationFinal
        {
            FinishReason = FinishReason.StopSequence,
            Usage = new Usage { PromptTokens = 5, CompletionTokens = 16 },
            Timings = new Timings { QueueMs = 0.04, TimeToFirstTokenMs = 12.34, TotalMs = 80.06 },
        };

        Assert.Equal(
            "finish: STOP_SEQUENCE; tokens: 5 prompt + 16 completion; queue 0 ms, first token 12.3 ms, total 80.1 ms",
            GenerateCommand.Summary(final));
    }

    private static GenerateRequest CreateRequest(params string[] args)
    {
        var command = new GenerateCommand();
        var parse = new RootCommand { command }.Parse(["generate", .. args]);
        Assert.Empty(parse.Errors);
        return command.CreateRequest(parse);
    }
}
