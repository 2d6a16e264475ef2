namespace KazGrpc.Tools;

/// <summary>Picks the command whose name the arguments start with and runs it.</summary>
internal sealed class CommandDispatcher
{
    private readonly IReadOnlyList<IToolCommand> _commands;

    public CommandDispatcher(IReadOnlyList<IToolCommand> commands) => _commands = commands;

    public int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            WriteCommands(args.Count == 0 ? error : output);
            return args.Count == 0 ? ExitCodes.Usage : ExitCodes.Success;
        }

        // Longest name first, so that a two-word command wins over a one-word one it starts with.
        foreach (var command in _commands.OrderByDescending(c => c.Name.Length))
        {
            var words = command.Name.Split(' ');
            if (words.Length <= args.Count && words.Select((w, i) => w == args[i]).All(match => match))
            {
                var rest = args.Skip(words.Length).ToList();
                if (rest.Any(a => a is "-h" or "--help"))
                {
                    output.WriteLine($"kazgrpc {command.Name}: {command.Summary}");
                    output.WriteLine(command.Usage);
                    return ExitCodes.Success;
                }

                return command.Run(rest, output, error);
            }
        }

        error.WriteLine($"kazgrpc: unknown command '{string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')))}'");
        WriteCommands(error);
        return ExitCodes.Usage;
    }

    private void WriteCommands(TextWriter writer)
    {
        writer.WriteLine("usage: kazgrpc <command> [options]   (kazgrpc <command> --help for its options)");
        writer.WriteLine("commands:");
        foreach (var command in _commands)
        {
            writer.WriteLine($"  {command.Name,-20} {command.Summary}");
        }
    }
}
