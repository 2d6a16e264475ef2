using System.CommandLine;
using Grpc.Core;

namespace KazGrpc.Tools.Cli;

/// <summary>What an <see cref="RpcCommand"/> runs with: its parse result, where to write, its service's call invoker and the call's deadline.</summary>
internal sealed class RpcInvocation
{
    public RpcInvocation(ParseResult parse, Terminal terminal, CallInvoker callInvoker, bool json, DateTime deadline, CancellationToken cancellationToken)
    {
        Parse = parse;
        Terminal = terminal;
        CallInvoker = callInvoker;
        Json = json;
        CallOptions = new CallOptions(deadline: deadline, cancellationToken: cancellationToken);
    }

    public ParseResult Parse { get; }

    public Terminal Terminal { get; }

    /// <summary>Calls to the service over its channel, with the API key when one is given.</summary>
    public CallInvoker CallInvoker { get; }

    /// <summary>Whether <c>--json</c> was given.</summary>
    public bool Json { get; }

    /// <summary>The deadline (<c>--timeout</c> from the start of the command) and Ctrl+C's token.</summary>
    public CallOptions CallOptions { get; }
}
