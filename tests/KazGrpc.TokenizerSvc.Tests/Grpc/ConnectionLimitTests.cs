using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Tests.Grpc;

/// <summary>
/// <c>Hosting:MaxConnections</c>: a tokenizer-svc that takes at most <see cref="Limit"/> connections on
/// each endpoint closes the one over it at once, serves the others, keeps its metrics endpoint (counted
/// apart) open, and takes a new connection once one has closed.
/// </summary>
public sealed class ConnectionLimitTests(ConnectionLimitTests.Fixture fixture) : IClassFixture<ConnectionLimitTests.Fixture>
{
    private const int Limit = 3;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private LoopbackHost Host => fixture.Host;

    [Fact]
    public async Task Connections_OneOverMaxConnections_ClosedAtOnceOthersServedAndAFreedPlaceIsTaken()
    {
        // The host's channel holds one connection; two more fill the endpoint.
        await AssertServedAsync();
        var first = await OpenAsync();
        await using var second = await OpenAsync();
        Assert.NotNull(first);
        Assert.NotNull(second);

        Assert.Null(await OpenAsync());
        await AssertServedAsync();
        using (var metrics = new HttpClient())
        {
            using var scrape = await metrics.GetAsync(new Uri(Host.MetricsAddress, "/metrics"), Token);
            scrape.EnsureSuccessStatusCode();
        }

        // Once Kestrel has seen the first one close, its place goes to the next.
        await first.DisposeAsync();
        RawHttp2Connection? next;
        for (var attempt = 1; (next = await OpenAsync()) is null && attempt < 100; attempt++)
        {
            await Task.Delay(100, Token);
        }

        Assert.NotNull(next);
        await next.DisposeAsync();
    }

    // A new connection whose first frame is the server's SETTINGS; null when the server closed it instead.
    private async Task<RawHttp2Connection?> OpenAsync()
    {
        RawHttp2Connection? connection = null;
        try
        {
            connection = await RawHttp2Connection.OpenAsync(Host.GrpcAddress, Token);
            if (await connection.ReadFrameAsync(Token) is { Type: Http2FrameType.Settings })
            {
                return connection;
            }
        }
        catch (IOException)
        {
            // Closed while the preface was being written.
        }

        if (connection is not null)
        {
            await connection.DisposeAsync();
        }

        return null;
    }

    private async Task AssertServedAsync()
    {
        var response = await new TokenizerService.TokenizerServiceClient(Host.Channel).TokenizeAsync(
            new TokenizeRequest { Tokenizer = "gpt2", Texts = { "Сәлем, әлем!" } }, cancellationToken: Token);
        Assert.NotEmpty(response.Results[0].Ids);
    }

    /// <summary>The tokenizer-svc under the limit.</summary>
    public sealed class Fixture : TokenizerHostFixture
    {
        protected override IEnumerable<string> Settings => [$"--Hosting:MaxConnections={Limit}"];
    }
}
