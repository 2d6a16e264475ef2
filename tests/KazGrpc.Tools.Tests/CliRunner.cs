namespace KazGrpc.Tools.Tests;

/// <summary>Runs the kazgrpc command tree as <c>Program</c> does, with the output and the errors captured.</summary>
internal static class CliRunner
{
    public static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await KazGrpcCli.InvokeAsync(args, output, error, TestContext.Current.CancellationToken);
        return (code, output.ToString(), error.ToString());
    }
}
