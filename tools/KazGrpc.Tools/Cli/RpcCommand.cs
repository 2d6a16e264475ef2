using System.CommandLine;
using Grpc.Core;

namespace KazGrpc.Tools.Cli;

/// <summary>
/// A command that calls one service: it has the service's address option, the key and TLS options
/// (<see cref="ConnectionOptions"/>), <c>--timeout</c> and <c>--json</c>, and turns a failed call
/// into a report on stderr and an exit code (<see cref="ExitCodes.For"/>; a failed TLS handshake is
/// <see cref="ExitCodes.Failure"/>); Ctrl+C cancels the call.
/// </summary>
internal abstract class RpcCommand : Command
{
    private readonly ServiceEndpoint _endpoint;
    private readonly Option<ServiceAddress> _address;
    private readonly ConnectionOptions _connection = new();
    private readonly Option<double> _timeout;
    private readonly Option<bool> _json = CliOptions.Json();

    protected RpcCommand(string name, string description, ServiceEndpoint endpoint, double timeoutSeconds)
        : base(name, description)
    {
        _endpoint = endpoint;
        _address = endpoint.CreateOption();
        _timeout = CliOptions.Timeout(timeoutSeconds, "deadline of the call, in seconds");
        Options.Add(_address);
        foreach (var option in _connection.All)
        {
            Options.Add(option);
        }

        Options.Add(_timeout);
        Options.Add(_json);
        SetAction(InvokeAsync);
    }

    /// <summary>Adds one of the command's own options, before the connection options, which the help lists last.</summary>
    protected void AddOption(Option option) => Options.Insert(Options.IndexOf(_address), option);

    /// <summary>Makes the command's call(s); returns the exit code.</summary>
    protected abstract Task<int> RunAsync(RpcInvocation invocation);

    private async Task<int> InvokeAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var terminal = new Terminal(parse);
        var json = parse.GetValue(_json);
        var address = parse.GetValue(_address)!;
        using var connection = _connection.Open(parse, address, out var problem);
        if (connection is null)
        {
            await terminal.Error.WriteLineAsync($"{terminal.CommandPath}: {problem}");
            return ExitCodes.Usage;
        }

        try
        {
            return await RunAsync(new RpcInvocation(parse, terminal, connection.CallInvoker, json, DateTime.UtcNow + TimeSpan.FromSeconds(parse.GetValue(_timeout)), cancellationToken));
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled })
        {
            await terminal.Error.WriteLineAsync($"{terminal.CommandPath}: cancelled");
            return ExitCodes.Cancelled;
        }
        catch (RpcException e) when (!json && HandshakeFailure.Reason(e) is { } reason)
        {
            await terminal.Error.WriteLineAsync($"{terminal.CommandPath}: TLS handshake with {address.Text} failed: {reason}");
            return ExitCodes.Failure;
        }
        catch (RpcException e)
        {
            RpcErrorReport.Write(terminal.Error, terminal.CommandPath, e, json);
            if (!json && e.StatusCode == StatusCode.Unavailable && e.Status.DebugException is not null)
            {
                // The client could not reach the service at all (the service's own UNAVAILABLE has no local exception).
                await terminal.Error.WriteLineAsync($"  is {_endpoint.ServiceName} running at {address.Text}? ({_endpoint.OptionName} or ${_endpoint.EnvironmentVariable} names it)");
            }

            // Not UNAVAILABLE's "try again later" for a failed handshake: a refused certificate stays refused.
            return HandshakeFailure.Reason(e) is null ? ExitCodes.For(e.StatusCode) : ExitCodes.Failure;
        }
    }
}
