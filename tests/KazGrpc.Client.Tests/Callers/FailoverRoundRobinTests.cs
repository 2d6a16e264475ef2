using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Launcher;
using KazGrpc.TokenizerSvc.Testing;
using Microsoft.Extensions.Time.Testing;

namespace KazGrpc.Client.Tests.Callers;

/// <summary>
/// The client's round-robin over two replicas, one of them dead while its subchannel still reads
/// Ready: the replica accepted the channel's connection and died before any call used it, the state
/// a crashed replica can leave (grpc-dotnet then opens a new connection per call and fails it, and
/// never takes the subchannel out of the picker). One call fails there; the replica is left out and
/// the calls after it reach the live one, with no retries at all, until the ejection ends.
/// </summary>
public sealed class FailoverRoundRobinTests(FailoverRoundRobinTests.Fixture live) : IClassFixture<FailoverRoundRobinTests.Fixture>
{
    [Fact]
    public async Task ReplicaThatRefusesConnections_IsLeftOutAfterOneFailedCall_UntilItsEjectionEnds()
    {
        var token = TestContext.Current.CancellationToken;
        var time = new FakeTimeProvider();
        var deadPort = FreePort.Next();
        var target = ClientTarget.Parse($"{live.Host.GrpcAddress.ToString().TrimEnd('/')},http://127.0.0.1:{deadPort}", "test");
        using var channel = target.CreateChannel(new ServiceConfig(), time: time);
        var client = new TokenizerService.TokenizerServiceClient(channel);

        // Nothing listens on the dead port yet, so the live replica is the first (and only) one Ready.
        await channel.ConnectAsync(token);

        // Then the dead replica comes up just long enough to take the subchannel's reconnection, and dies.
        using (var listener = new TcpListener(IPAddress.Loopback, deadPort))
        {
            listener.Start();
            using var accepted = await listener.AcceptSocketAsync(token).AsTask().WaitAsync(TimeSpan.FromSeconds(30), token);
            listener.Stop();
        }

        // The dead replica is tried once; then it is left out and every call is served.
        Assert.Equal(StatusCode.Unavailable, await UntilFailureAsync(client, 200, token));
        Assert.Equal(Enumerable.Repeat(StatusCode.OK, 20), await CallsAsync(client, 20, token));

        // Its ejection ends: within two calls (round-robin) it is tried again, and left out for twice as long.
        time.Advance(FailoverRoundRobinBalancer.BaseEjection);
        Assert.Equal(StatusCode.Unavailable, await UntilFailureAsync(client, 2, token));
        time.Advance(FailoverRoundRobinBalancer.BaseEjection);
        Assert.Equal(Enumerable.Repeat(StatusCode.OK, 20), await CallsAsync(client, 20, token));
        time.Advance(FailoverRoundRobinBalancer.BaseEjection);
        Assert.Equal(StatusCode.Unavailable, await UntilFailureAsync(client, 2, token));
    }

    [Fact]
    public async Task EveryReplicaRefusesConnections_CallsStillGoOutAndFailUnavailable()
    {
        var token = TestContext.Current.CancellationToken;
        using var first = new TcpListener(IPAddress.Loopback, 0);
        using var second = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        second.Start();
        var target = ClientTarget.Parse(string.Join(',', new[] { first, second }.Select(l => $"http://{l.LocalEndpoint}")), "test");
        using var channel = target.CreateChannel(new ServiceConfig(), time: new FakeTimeProvider());
        var client = new TokenizerService.TokenizerServiceClient(channel);

        // Both replicas take the channel's connection, then die: both subchannels read Ready, both refuse.
        await channel.ConnectAsync(token);
        foreach (var listener in new[] { first, second })
        {
            using var accepted = await listener.AcceptSocketAsync(token).AsTask().WaitAsync(TimeSpan.FromSeconds(30), token);
            listener.Stop();
        }

        // Both are left out after a call each; the picker still sends calls, which fail at once rather than wait.
        Assert.Equal(Enumerable.Repeat(StatusCode.Unavailable, 6), await CallsAsync(client, 6, token));
    }

    /// <summary>Calls until one fails (at most <paramref name="limit"/>), and says how it failed.</summary>
    private static async Task<StatusCode?> UntilFailureAsync(TokenizerService.TokenizerServiceClient client, int limit, CancellationToken cancellationToken)
    {
        for (var i = 0; i < limit; i++)
        {
            if (await CallAsync(client, cancellationToken) is var status and not StatusCode.OK)
            {
                return status;
            }
        }

        return null;
    }

    /// <summary>The statuses of <paramref name="count"/> calls made in turn.</summary>
    private static async Task<List<StatusCode>> CallsAsync(TokenizerService.TokenizerServiceClient client, int count, CancellationToken cancellationToken)
    {
        var statuses = new List<StatusCode>();
        for (var i = 0; i < count; i++)
        {
            statuses.Add(await CallAsync(client, cancellationToken));
        }

        return statuses;
    }

    /// <summary>One call, with a deadline that a call left waiting for a replica would reach.</summary>
    private static async Task<StatusCode> CallAsync(TokenizerService.TokenizerServiceClient client, CancellationToken cancellationToken)
    {
        try
        {
            await client.ListTokenizersAsync(new ListTokenizersRequest(), deadline: DateTime.UtcNow.AddSeconds(10), cancellationToken: cancellationToken);
            return StatusCode.OK;
        }
        catch (RpcException ex)
        {
            return ex.StatusCode;
        }
    }

    public sealed class Fixture : TokenizerHostFixture;
}
