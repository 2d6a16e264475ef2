using System.CommandLine;

namespace KazGrpc.Tools.Tests;

/// <summary>The command tree: every command of the CLI parses as documented, and a wrong command line is a usage error.</summary>
public sealed class KazGrpcCliTests
{
    public static TheoryData<string[], string> CommandLines => new()
    {
        { ["tokenize", "Сәлем", "әлем", "--tokenizer", "cl100k_base", "--offsets", "--add-special-tokens", "--json"], "tokenize" },
        { ["count", "бір", "екі үш", "--tokenizer-address", "http://127.0.0.1:1", "--timeout", "2.5"], "count" },
        { ["count", "бір", "--tokenizer-address", "https://127.0.0.1:1", "--api-key", "kzg_key", "--ca", "ca.crt", "--cert", "c.crt", "--key", "c.key"], "count" },
        { ["detokenize", "1", "2,3", "--skip-special-tokens", "--json"], "detokenize" },
        { ["embed", "Өтініш", "--model", "minilm", "--inference", "127.0.0.1:1", "--json"], "embed" },
        {
            [
                "generate", "Сәлем", "--chat", "--system", "s", "--max-new-tokens", "4", "--temperature", "0.5", "--top-p", "0.9",
                "--top-k", "5", "--seed", "7", "--stop", "a", "--stop", "b", "--ignore-eos", "--model", "kaz-tiny", "--json",
            ],
            "generate"
        },
        { ["models", "--json", "--api-key", "kzg_key"], "models" },
        { ["models", "prepare", "--models-dir", "m", "--json"], "prepare" },
        { ["health", "127.0.0.1:1", "--service", "kazgrpc.tokenizer.v1.TokenizerService", "--json"], "health" },
        { ["health", "--address", "127.0.0.1:1", "--wait", "60"], "health" },
        { ["health", "https://127.0.0.1:1", "--ca", "ca.crt", "--cert", "c.crt", "--key", "c.key", "--api-key", "kzg_key"], "health" },
        { ["keys", "new", "--json"], "new" },
        { ["keys", "hash", "kzg_key", "--json"], "hash" },
        { ["forge", "identity-encoder", "--out", "d", "--dimensions", "8", "--json"], "identity-encoder" },
        { ["forge", "decoder", "--out", "d", "--size", "bench", "--precision", "int4", "--json"], "decoder" },
        { ["convert-tokenizer", "--input", "tokenizer.json", "--output", "d", "--json"], "convert-tokenizer" },
        { ["bench", "tokenize", "--quick", "--modes", "unary"], "tokenize" },
        { ["bench", "embed", "--quick"], "embed" },
        { ["bench", "generate", "--quick", "--phases", "served"], "generate" },
    };

    [Theory]
    [MemberData(nameof(CommandLines))]
    public void Parse_DocumentedCommandLine_SelectsTheCommandWithoutErrors(string[] args, string command)
    {
        var parse = KazGrpcCli.Create().Parse(args);

        Assert.Empty(parse.Errors.Select(e => e.Message));
        Assert.Equal(command, parse.CommandResult.Command.Name);
    }

    [Theory]
    [InlineData(new[] { "embed", "x", "--inference", "localhost" }, "--inference must be host:port or http(s)://host:port; got 'localhost'")]
    [InlineData(new[] { "count", "x", "--tokenizer-address", "ftp://h:1" }, "--tokenizer-address must be host:port or http(s)://host:port; got 'ftp://h:1'")]
    [InlineData(new[] { "health", "127.0.0.1:1", "--address", "127.0.0.1:2" }, "give the address once: ADDR or --address")]
    [InlineData(new[] { "detokenize", "1", "-2" }, "ID must be a non-negative integer below 2^32; got '-2'")]
    [InlineData(new[] { "detokenize", "1,x" }, "ID must be a non-negative integer below 2^32; got 'x'")]
    [InlineData(new[] { "generate" }, "Required argument 'PROMPT' missing for command: 'generate'.")]
    [InlineData(new[] { "generate", "x", "--top-k", "-1" }, "--top-k must be a non-negative integer; got '-1'")]
    [InlineData(new[] { "tokenize", "x", "--timeout", "0" }, "--timeout must be a number of seconds in (0, 86400]; got '0'")]
    [InlineData(new[] { "bench", "tokenize", "--concurrency", "many" }, "Cannot parse argument 'many' for option '--concurrency'")]
    public async Task InvokeAsync_MalformedCommandLine_UsageErrorNamingTheProblem(string[] args, string message)
    {
        var (code, output, error) = await CliRunner.RunAsync(args);

        Assert.Equal((ExitCodes.Usage, ""), (code, output));
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_NoArguments_ShowsTheCommandsAsAUsageError()
    {
        var (code, output, error) = await CliRunner.RunAsync();

        Assert.Equal((ExitCodes.Usage, ""), (code, output));
        foreach (var command in new[] { "tokenize", "count", "detokenize", "embed", "generate", "models", "health", "forge", "convert-tokenizer", "bench" })
        {
            Assert.Contains($"  {command} ", error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task InvokeAsync_MisspeltCommand_SuggestsTheRightOne()
    {
        var (code, output, error) = await CliRunner.RunAsync("tokenise", "x");

        Assert.Equal((ExitCodes.Usage, ""), (code, output));
        Assert.Contains("'tokenise' was not matched. Did you mean one of the following?", error, StringComparison.Ordinal);
        Assert.Contains("tokenize", error.Split('?')[1], StringComparison.Ordinal);
        Assert.EndsWith($"Run 'kazgrpc --help' for its arguments and options.{Environment.NewLine}", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_BenchCommandHelp_NamesItUnderKazgrpcBench()
    {
        var (code, output, _) = await CliRunner.RunAsync("bench", "generate", "--help");

        Assert.Equal(ExitCodes.Success, code);
        // The root is named after the executable: kazgrpc, or here the test host.
        Assert.Contains(" bench generate [options]", output, StringComparison.Ordinal);
        Assert.Contains("--concurrency", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_BenchCommands_AreKazgrpcBenchsMeasuringCommands()
    {
        var bench = KazGrpcCli.Create().Subcommands.Single(c => c.Name == "bench");

        Assert.Equal(["tokenize", "embed", "generate"], bench.Subcommands.Select(c => c.Name));
        Assert.All(bench.Subcommands, c => Assert.Same(bench, Assert.Single(c.Parents)));
    }

    [Fact]
    public void Create_ConnectionOptions_ComeLastInTheHelp()
    {
        var generate = KazGrpcCli.Create().Subcommands.Single(c => c.Name == "generate");

        Assert.Equal(
            ["--inference", "--api-key", "--ca", "--cert", "--key", "--timeout", "--json"],
            generate.Options.Where(o => o.Name != "--help").TakeLast(7).Select(o => o.Name));
        Assert.Equal("--model", generate.Options[0].Name);
    }
}
