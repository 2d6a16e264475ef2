namespace KazGrpc.Tools;

/// <summary>One command of the <c>kazgrpc</c> tool.</summary>
internal interface IToolCommand
{
    /// <summary>The words that select it, e.g. <c>models prepare</c>.</summary>
    string Name { get; }

    /// <summary>One line for the command list.</summary>
    string Summary { get; }

    /// <summary>Its options, one per line, for <c>--help</c>.</summary>
    string Usage { get; }

    /// <summary>Runs it with the arguments after its name; returns the exit code
    /// (0 done, 1 failed, 2 wrong usage).</summary>
    int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error);
}
