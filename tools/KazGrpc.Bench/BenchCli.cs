using KazGrpc.Bench.Echo;
using KazGrpc.Bench.Embed;

namespace KazGrpc.Bench;

/// <summary>Command-line entry: <c>kazgrpc-bench tokenize|embed [options]</c>.</summary>
internal static class BenchCli
{
    private const string Usage = """
        Usage: kazgrpc-bench <command> [options]

        Commands:
          tokenize      tokenizer throughput in-process and through tokenizer-svc (see: kazgrpc-bench tokenize --help)
          embed         Embed through both services against the model in-process, naive serving, serving overhead
                        against a bare gRPC echo, and latency at one caller (see: kazgrpc-bench embed --help)
          echo-server   the bare gRPC echo that embed starts as a process of its own (see: kazgrpc-bench echo-server --help)
        """;

    /// <summary>Runs the command in <paramref name="args"/>; returns 0 on success, 1 on failure, 2 on a usage error.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        var command = args[0];
        var rest = args[1..];
        var usage = command switch
        {
            "tokenize" => TokenizeBenchOptions.Usage,
            "embed" => EmbedBenchOptions.Usage,
            "echo-server" => EchoHost.Usage,
            _ => null,
        };
        if (usage is null)
        {
            await Console.Error.WriteLineAsync($"unknown command '{command}'\n\n{Usage}");
            return 2;
        }

        if (rest.Any(a => a is "-h" or "--help"))
        {
            output.WriteLine(usage);
            return 0;
        }

        Func<Task> run;
        try
        {
            var commandLine = "kazgrpc-bench " + string.Join(' ', args);
            run = command switch
            {
                "tokenize" => ParsedTokenize(TokenizeBenchOptions.Parse(rest), commandLine, output, cancellationToken),
                "embed" => ParsedEmbed(EmbedBenchOptions.Parse(rest), commandLine, output, cancellationToken),
                _ => ParsedEcho(rest, cancellationToken),
            };
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Message}\n\n{usage}");
            return 2;
        }

        try
        {
            await run();
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 1;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or Grpc.Core.RpcException or IOException or KazGrpc.Core.KazGrpcException)
        {
            await Console.Error.WriteLineAsync($"bench {command} failed: {ex.Message}");
            return 1;
        }
    }

    private static Func<Task> ParsedTokenize(TokenizeBenchOptions options, string commandLine, TextWriter output, CancellationToken cancellationToken) =>
        () => TokenizeBench.RunAsync(options, commandLine, output, cancellationToken);

    private static Func<Task> ParsedEmbed(EmbedBenchOptions options, string commandLine, TextWriter output, CancellationToken cancellationToken) =>
        () => EmbedBench.RunAsync(options, commandLine, output, cancellationToken);

    private static Func<Task> ParsedEcho(string[] args, CancellationToken cancellationToken)
    {
        var (text, tokenizer, name) = args switch
        {
            ["--port", var p] => (p, null, null),
            ["--port", var p, "--tokenizer", var url, var n] => (p, url, n),
            _ => (null, null, null),
        };
        if (text is null || !int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException("echo-server needs --port N (1-65535) [--tokenizer URL NAME]");
        }

        var address = tokenizer is null ? null : OptionValues.Address("--tokenizer", tokenizer);
        return () => EchoHost.RunAsync(port, address, name, cancellationToken);
    }
}
