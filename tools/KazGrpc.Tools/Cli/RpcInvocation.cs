using System.CommandLine;
using Grpc.Core;
using Grpc.Net.Client;

namespace KazGrpc.Tools.Cli;

/// <summary>What an <see cref="RpcCommand"/> runs with: its parse result, where to write, a channel to its service and the call's deadline.</summary>
internal sealed class RpcInvocation
{
    public RpcInvocation(ParseResult parse, Terminal terminal, GrpcChannel channel, bool json, DateTime deadline, CancellationToken cancellationToken)
    {
        Parse = parse;
        Terminal = terminal;
        Channel = channel;
        Json = json;
        CallOptions = new CallOptions(deadline: deadline, cancellationToken: cancellationToken);
    }

    public ParseResult Parse { get; }

    public Terminal Terminal { get; }

    public GrpcChannel Channel { get; }

    /// <summary>Whether <c>--json</c> was given.</summary>
    public bool Json { get; }

    /// <summary>The deadline (<c>--timeout</c> from the start of the command) and Ctrl+C's token.</summary>
    public CallOptions CallOptions { get; }
}
