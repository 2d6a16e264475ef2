using System.Buffers.Binary;
using Google.Protobuf;
using KazGrpc.Contracts.Tokenizer.V1;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KazGrpc.TokenizerSvc.Tests.Grpc;

/// <summary>
/// Floods of HTTP/2 frames on one connection, sent by hand (<see cref="RawHttp2Connection"/>), while
/// a well-behaved caller on a connection of its own must be served. Each test asserts what Kestrel
/// does to the flooding connection; none measures time.
/// </summary>
[Collection(SmallLimitsGroup.Name)]
public sealed class Http2FloodTests(SmallLimitsFixture fixture)
{
    private const string TokenizeStreamPath = "/kazgrpc.tokenizer.v1.TokenizerService/TokenizeStream";
    private const string TokenizePath = "/kazgrpc.tokenizer.v1.TokenizerService/Tokenize";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Streams_OneOverMaxStreamsPerConnection_RefusedStreamAndTheConnectionServesOn()
    {
        const int Limit = SmallLimitsFixture.MaxStreamsPerConnection;
        await using var connection = await RawHttp2Connection.OpenAsync(fixture.Host.GrpcAddress, Token);

        // The server says its limit, and Kestrel's flow-control defaults, first.
        var settings = (await connection.ReadUntilAsync(f => f.Type == Http2FrameType.Settings && !f.Ack, Token))!.Settings();
        Assert.Equal((uint)Limit, settings[Http2Frame.MaxConcurrentStreams]);
        Assert.Equal(768u * 1024, settings[Http2Frame.InitialWindowSize]);
        Assert.Equal(32u * 1024, settings[Http2Frame.MaxHeaderListSize]);
        var window = await connection.ReadUntilAsync(f => f.Type == Http2FrameType.WindowUpdate && f.StreamId == 0, Token);
        Assert.Equal((1 << 20) - 65_535, BinaryPrimitives.ReadInt32BigEndian(window!.Payload));

        // A client that ignores it: Limit + 1 streams at once, each a TokenizeStream left open.
        var over = StreamId(Limit);
        await connection.SendAsync(Enumerable.Range(0, Limit + 1).SelectMany(i => connection.Headers(StreamId(i), TokenizeStreamPath)).ToArray(), Token);

        // Kestrel resets the stream over the limit, and only it: a refusal of an earlier one would have come first.
        var refused = await connection.ReadUntilAsync(f => f.Type == Http2FrameType.RstStream, Token);
        Assert.NotNull(refused);
        Assert.Equal((over, Http2ErrorCode.RefusedStream), (refused.StreamId, refused.ErrorCode));
        await AssertServedAsync();

        // The connection serves on: a stream that ends frees a place for a new one, which is answered.
        await connection.SendAsync(RawHttp2Connection.Data(StreamId(0), [], endStream: true), Token);
        var ended = await connection.ReadUntilAsync(f => f.StreamId == StreamId(0) && (f.EndStream || f.Type == Http2FrameType.RstStream), Token);
        Assert.True(ended is { EndStream: true }, $"stream {StreamId(0)} did not end cleanly: {ended}");
        var next = StreamId(Limit + 1);
        await connection.SendAsync(connection.Headers(next, TokenizePath).Concat(RawHttp2Connection.Data(next, GrpcBody(Request), endStream: true)).ToArray(), Token);
        await AssertAnsweredAsync(connection, next);
    }

    [Fact]
    public async Task RapidReset_HandlersStillRunning_EnhanceYourCalmThenTheConnectionIsClosedOthersServed()
    {
        // Kestrel tracks max(2 × MaxStreamsPerConnection, 100) streams; past that it refuses each new
        // one with ENHANCE_YOUR_CALM, and past 5 × 20 such refusals in one 5 s window it closes the
        // connection.
        const int Tracked = 2 * SmallLimitsFixture.MaxStreamsPerConnection;
        const int CalmDowns = 5 * 20;
        try
        {
            await using var connection = await RawHttp2Connection.OpenAsync(fixture.Host.GrpcAddress, Token);
            await connection.ReadUntilAsync(f => f.Type == Http2FrameType.Settings && !f.Ack, Token);

            // Each stream opened and at once reset; its handler goes on (until Release), as a busy
            // one would. A PING after each batch, answered once Kestrel has read the batch, keeps the
            // flood just ahead of the server: a close with unread bytes on its side would be a TCP
            // reset, and that would discard the frames it sent before.
            var calmDown = new List<int>();
            Http2Frame? goAway = null;
            var closed = false;
            for (var next = 0; next < Tracked + (3 * CalmDowns) && !closed; next += next < Tracked ? 50 : 1)
            {
                var batch = Enumerable.Range(next, next < Tracked ? 50 : 1)
                    .SelectMany(n => connection.Headers(StreamId(n), SmallLimitsFixture.HoldPath).Concat(RawHttp2Connection.RstStream(StreamId(n), Http2ErrorCode.Cancel)))
                    .Concat(RawHttp2Connection.Ping(next));
                try
                {
                    await connection.SendAsync(batch.ToArray(), Token);
                }
                catch (IOException)
                {
                    closed = true;
                }

                while (!closed)
                {
                    var frame = await connection.ReadFrameAsync(Token);
                    if (frame is null)
                    {
                        closed = true;
                    }
                    else if (frame.Type == Http2FrameType.RstStream)
                    {
                        Assert.Equal(Http2ErrorCode.EnhanceYourCalm, frame.ErrorCode);
                        calmDown.Add(frame.StreamId);
                    }
                    else if (frame.Type == Http2FrameType.GoAway)
                    {
                        goAway = frame;
                    }
                    else if (frame is { Type: Http2FrameType.Ping, Ack: true } && frame.PingData == next)
                    {
                        break;
                    }
                }

                if (calmDown.Count == 1 && !closed)
                {
                    // Mid-flood, with Tracked reset streams still running: another caller is served.
                    await AssertServedAsync();
                }
            }

            TestContext.Current.TestOutputHelper?.WriteLine($"{calmDown.Count} streams reset with ENHANCE_YOUR_CALM, then {goAway?.ToString() ?? "the close without a GOAWAY"}");

            // The first refused stream is the one past the tracked ones; Kestrel refused at least a
            // window's worth before it closed the connection, and the GOAWAY, unless the close
            // overtook it, says why.
            Assert.True(closed, $"the connection is still open after {calmDown.Count} streams reset with ENHANCE_YOUR_CALM");
            Assert.NotEmpty(calmDown);
            Assert.Equal(StreamId(Tracked), calmDown[0]);
            Assert.True(calmDown.Count >= CalmDowns, $"closed after {calmDown.Count} streams reset with ENHANCE_YOUR_CALM");
            Assert.True(goAway is null || goAway.ErrorCode == Http2ErrorCode.EnhanceYourCalm, $"{goAway}");
            await AssertServedAsync();
        }
        finally
        {
            fixture.Release();
        }
    }

    [Fact]
    public async Task PingFlood_EveryPingAnsweredInOrderOthersServedConnectionStaysOpen()
    {
        const int Pings = 20_000;
        await using var connection = await RawHttp2Connection.OpenAsync(fixture.Host.GrpcAddress, Token);
        await connection.ReadUntilAsync(f => f.Type == Http2FrameType.Settings && !f.Ack, Token);

        var flood = SendInChunksAsync(connection, Pings, i => RawHttp2Connection.Ping(i));
        for (var expected = 0L; expected < Pings; expected++)
        {
            var ack = await connection.ReadUntilAsync(f => f.Type == Http2FrameType.Ping && f.Ack, Token);
            Assert.NotNull(ack);
            Assert.Equal(expected, ack.PingData);
            if (expected == Pings / 2)
            {
                await AssertServedAsync();
            }
        }

        await flood;
        await AssertOpenAsync(connection);
        await AssertServedAsync();
    }

    [Fact]
    public async Task SettingsFlood_EverySettingsAcknowledgedOthersServedConnectionStaysOpen()
    {
        const int Frames = 10_000;
        await using var connection = await RawHttp2Connection.OpenAsync(fixture.Host.GrpcAddress, Token);
        await connection.ReadUntilAsync(f => f.Type == Http2FrameType.Settings && !f.Ack, Token);

        // Open streams make each change of the initial window touch every one of them.
        await connection.SendAsync(Enumerable.Range(0, SmallLimitsFixture.MaxStreamsPerConnection).SelectMany(i => connection.Headers(StreamId(i), TokenizeStreamPath)).ToArray(), Token);
        var flood = SendInChunksAsync(connection, Frames, i => RawHttp2Connection.Settings(
            (Http2Frame.InitialWindowSize, 65_535u + (uint)(i % 2)), (Http2Frame.HeaderTableSize, i % 2 == 0 ? 4096u : 0u)));
        for (var acknowledged = 0; acknowledged < Frames; acknowledged++)
        {
            var ack = await connection.ReadUntilAsync(f => (f.Type == Http2FrameType.Settings && f.Ack) || f.Type is Http2FrameType.GoAway or Http2FrameType.RstStream, Token);
            Assert.True(ack is { Type: Http2FrameType.Settings }, $"SETTINGS {acknowledged} got {ack?.ToString() ?? "the connection's end"}");
            if (acknowledged == Frames / 2)
            {
                await AssertServedAsync();
            }
        }

        await flood;
        await AssertOpenAsync(connection);
        await AssertServedAsync();
    }

    [Fact]
    public async Task ContinuationFlood_EmptyFramesThenTheBlockEnds_TheCallIsServedAndSoAreOthers()
    {
        const int Frames = 20_000;
        await using var connection = await RawHttp2Connection.OpenAsync(fixture.Host.GrpcAddress, Token);
        await connection.ReadUntilAsync(f => f.Type == Http2FrameType.Settings && !f.Ack, Token);

        // A header block kept open by empty CONTINUATION frames: each costs a frame read and holds nothing.
        var id = StreamId(0);
        await connection.SendAsync(connection.Headers(id, TokenizePath, endHeaders: false), Token);
        await SendInChunksAsync(connection, Frames, _ => RawHttp2Connection.Continuation(id, [], endHeaders: false));
        await AssertServedAsync();

        await connection.SendAsync(RawHttp2Connection.Continuation(id, [], endHeaders: true).Concat(RawHttp2Connection.Data(id, GrpcBody(Request), endStream: true)).ToArray(), Token);
        await AssertAnsweredAsync(connection, id);
        await AssertOpenAsync(connection);
    }

    [Fact]
    public async Task ContinuationFlood_HeaderBlockOverMaxRequestHeadersTotalSize_431AndTheConnectionServesOn()
    {
        await using var connection = await RawHttp2Connection.OpenAsync(fixture.Host.GrpcAddress, Token);
        await connection.ReadUntilAsync(f => f.Type == Http2FrameType.Settings && !f.Ack, Token);

        // 40 CONTINUATION frames of a 1,000-byte field each, past 32 KiB by the 32nd, then the block's
        // end and the call's message.
        var id = StreamId(0);
        var pad = new string('x', 1000);
        byte[] frames =
        [
            .. connection.Headers(id, TokenizePath, endHeaders: false),
            .. Enumerable.Range(0, 40).SelectMany(i => RawHttp2Connection.Continuation(id, RawHttp2Connection.HeaderField($"x-pad-{i:D2}", pad), endHeaders: false)),
            .. RawHttp2Connection.Continuation(id, [], endHeaders: true),
            .. RawHttp2Connection.Data(id, GrpcBody(Request), endStream: true),
        ];
        await connection.SendAsync(frames, Token);

        // Kestrel reads the block to its end (HPACK state is the connection's) and answers the stream
        // alone, without calling the service: `:status: 431`, a literal it indexes (RFC 7541, 6.2.1).
        var answer = await connection.ReadUntilAsync(f => f.StreamId == id || f.Type == Http2FrameType.GoAway, Token);
        Assert.True(answer is { Type: Http2FrameType.Headers, EndStream: true }, $"{answer}");
        Assert.Equal([0x48, 0x03, (byte)'4', (byte)'3', (byte)'1'], answer.Payload[..5]);
        await AssertOpenAsync(connection);
        await AssertServedAsync();
    }

    [Fact]
    public void Kestrel_Limits_TheOnesDocsSecurityMdNames()
    {
        var limits = fixture.Host.App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits;

        Assert.Equal(
            (4096, 16_384, 32_768, 1 << 20, 768 * 1024, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(20)),
            (limits.Http2.HeaderTableSize, limits.Http2.MaxFrameSize, limits.Http2.MaxRequestHeaderFieldSize, limits.Http2.InitialConnectionWindowSize,
                limits.Http2.InitialStreamWindowSize, limits.Http2.KeepAlivePingDelay, limits.Http2.KeepAlivePingTimeout));
        Assert.Equal((32_768, TimeSpan.FromSeconds(30), (long?)10_000), (limits.MaxRequestHeadersTotalSize, limits.RequestHeadersTimeout, limits.MaxConcurrentConnections));
        Assert.Equal((240d, TimeSpan.FromSeconds(5)), (limits.MinResponseDataRate!.BytesPerSecond, limits.MinResponseDataRate.GracePeriod));
    }

    private static TokenizeRequest Request => new() { Tokenizer = "gpt2", Texts = { "Сәлем, әлем!" } };

    // Client streams are odd: 1, 3, 5, ...
    private static int StreamId(int index) => (2 * index) + 1;

    private static byte[] GrpcBody(IMessage message)
    {
        var bytes = message.ToByteArray();
        var body = new byte[5 + bytes.Length];
        BinaryPrimitives.WriteUInt32BigEndian(body.AsSpan(1), (uint)bytes.Length);
        bytes.CopyTo(body, 5);
        return body;
    }

    private static Task SendInChunksAsync(RawHttp2Connection connection, int count, Func<int, byte[]> frame) => Task.Run(async () =>
    {
        for (var i = 0; i < count; i += 500)
        {
            await connection.SendAsync(Enumerable.Range(i, Math.Min(500, count - i)).SelectMany(frame).ToArray(), Token);
        }
    }, Token);

    // Stream id's answer, read until it ends: a message, END_STREAM last, no reset and no GOAWAY.
    private static async Task AssertAnsweredAsync(RawHttp2Connection connection, int id)
    {
        var answer = new List<Http2Frame>();
        while (await connection.ReadUntilAsync(f => f.StreamId == id || f.Type == Http2FrameType.GoAway, Token) is { } frame)
        {
            answer.Add(frame);
            if (frame.EndStream || frame.Type is Http2FrameType.RstStream or Http2FrameType.GoAway)
            {
                break;
            }
        }

        Assert.DoesNotContain(answer, f => f.Type is Http2FrameType.RstStream or Http2FrameType.GoAway);
        Assert.Contains(answer, f => f.Type == Http2FrameType.Data && f.Payload.Length > 5);
        Assert.True(answer is [.., { EndStream: true }], string.Join(", ", answer));
    }

    // The flooding connection answers a PING of its own: Kestrel did not close it.
    private static async Task AssertOpenAsync(RawHttp2Connection connection)
    {
        await connection.SendAsync(RawHttp2Connection.Ping(-1), Token);
        var ack = await connection.ReadUntilAsync(f => f.Type == Http2FrameType.Ping && f.Ack && f.PingData == -1, Token);
        Assert.NotNull(ack);
    }

    // A well-behaved caller, on a connection of its own, is answered.
    private async Task AssertServedAsync()
    {
        var response = await new TokenizerService.TokenizerServiceClient(fixture.Host.Channel).TokenizeAsync(Request, cancellationToken: Token);
        Assert.NotEmpty(response.Results[0].Ids);
    }
}
