using KazGrpc.Tools.ConvertTokenizer;
using KazGrpc.Tools.ModelsPrepare;

namespace KazGrpc.Tools.Tests;

public sealed class CommandDispatcherTests
{
    private readonly CommandDispatcher _dispatcher = new([new ConvertTokenizerCommand(), new ModelsPrepareCommand()]);

    [Fact]
    public void Run_UnknownCommand_ListsCommands()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = _dispatcher.Run(["models", "fetch"], output, error);

        Assert.Equal(ExitCodes.Usage, code);
        Assert.StartsWith("kazgrpc: unknown command 'models fetch'", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("models prepare", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_CommandHelp_PrintsItsOptions()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = _dispatcher.Run(["models", "prepare", "--help"], output, error);

        Assert.Equal(ExitCodes.Success, code);
        Assert.Contains("--models-dir <dir>", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoArguments_IsAUsageError()
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        Assert.Equal(ExitCodes.Usage, _dispatcher.Run([], output, error));
        Assert.StartsWith("usage: kazgrpc <command>", error.ToString(), StringComparison.Ordinal);
    }
}
