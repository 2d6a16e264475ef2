using System.CommandLine;
using System.CommandLine.Invocation;
using KazGrpc.Tools.Bench;
using KazGrpc.Tools.Cli;
using KazGrpc.Tools.ConvertTokenizer;
using KazGrpc.Tools.Forge;
using KazGrpc.Tools.Health;
using KazGrpc.Tools.Inference;
using KazGrpc.Tools.Keys;
using KazGrpc.Tools.Tokenizer;

namespace KazGrpc.Tools;

/// <summary>The <c>kazgrpc</c> command tree (System.CommandLine: parsing, validation, help, Ctrl+C) and how it runs.</summary>
internal static class KazGrpcCli
{
    public static RootCommand Create() => new("kazgrpc: call tokenizer-svc and inference-svc, make API keys, prepare and forge models, run the benchmarks")
    {
        new TokenizeCommand(),
        new CountCommand(),
        new DetokenizeCommand(),
        new EmbedCommand(),
        new GenerateCommand(),
        new ModelsCommand(),
        new HealthCommand(),
        new KeysCommand(),
        new ForgeCommand(),
        new ConvertTokenizerCommand(),
        new BenchCommand(),
    };

    /// <summary>
    /// Parses <paramref name="args"/> and runs the command; returns its exit code, and
    /// <see cref="ExitCodes.Usage"/> for a command line that does not parse.
    /// </summary>
    public static async Task<int> InvokeAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        var parse = Create().Parse(args);
        if (parse.Action is ParseErrorAction parseError)
        {
            // The errors and their typo corrections, and a pointer to the help rather than all of it;
            // a bare `kazgrpc` shows the help itself. All on stderr: stdout carries results only.
            parseError.ShowHelp = args.Count == 0;
            await parse.InvokeAsync(new InvocationConfiguration { Output = error, Error = error }, cancellationToken);
            if (args.Count > 0)
            {
                await error.WriteLineAsync($"Run '{Terminal.PathOf(parse)} --help' for its arguments and options.");
            }

            return ExitCodes.Usage;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
    }
}
