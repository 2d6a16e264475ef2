namespace KazGrpc.Bench;

/// <summary>Command-line entry: <c>kazgrpc-bench tokenize [options]</c>.</summary>
internal static class BenchCli
{
    private const string Usage = """
        Usage: kazgrpc-bench <command> [options]

        Commands:
          tokenize   tokenizer throughput in-process and through tokenizer-svc (see: kazgrpc-bench tokenize --help)
        """;

    /// <summary>Runs the command in <paramref name="args"/>; returns 0 on success, 1 on failure, 2 on a usage error.</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter output, CancellationToken cancellationToken)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            output.WriteLine(Usage);
            return args.Length == 0 ? 2 : 0;
        }

        if (args[0] != "tokenize")
        {
            await Console.Error.WriteLineAsync($"unknown command '{args[0]}'\n\n{Usage}");
            return 2;
        }

        var rest = args[1..];
        if (rest.Any(a => a is "-h" or "--help"))
        {
            output.WriteLine(TokenizeBenchOptions.Usage);
            return 0;
        }

        TokenizeBenchOptions options;
        try
        {
            options = TokenizeBenchOptions.Parse(rest);
        }
        catch (FormatException ex)
        {
            await Console.Error.WriteLineAsync($"{ex.Message}\n\n{TokenizeBenchOptions.Usage}");
            return 2;
        }

        try
        {
            await TokenizeBench.RunAsync(options, "kazgrpc-bench " + string.Join(' ', args), output, cancellationToken);
            return 0;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync("cancelled");
            return 1;
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or Grpc.Core.RpcException or IOException or KazGrpc.Core.KazGrpcException)
        {
            await Console.Error.WriteLineAsync($"bench tokenize failed: {ex.Message}");
            return 1;
        }
    }
}
