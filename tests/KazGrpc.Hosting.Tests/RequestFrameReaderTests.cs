using System.Buffers;
using System.IO.Pipelines;

namespace KazGrpc.Hosting.Tests;

public sealed class RequestFrameReaderTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReadAsync_MessagesArrivingOneByteAtATime_EachReadWhole()
    {
        byte[] body = [0, 0, 0, 0, 2, 0x08, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0x08, 0x02, 0x10];
        var pipe = new Pipe();
        var reader = Reader(pipe.Reader, limit: 16, single: false);

        var writing = Task.Run(async () =>
        {
            foreach (var b in body)
            {
                await pipe.Writer.WriteAsync(new[] { b }, Token);
            }

            await pipe.Writer.CompleteAsync();
        }, Token);

        Assert.Equal([2, 0, 3], await ReadLengthsAsync(reader));
        await writing;
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverTheLimitInASplitHeader_RefusedBeforeTheMessage()
    {
        var pipe = new Pipe();
        var reader = Reader(pipe.Reader, limit: 16, single: false);

        // One whole message, then the first bytes of a header declaring 2^32 - 1.
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0, 0, 1, 0x08, 0, 0xff }, Token);
        var first = await reader.ReadAsync(Token);
        reader.AdvanceTo(first.Buffer.GetPosition(6), first.Buffer.End);
        await pipe.Writer.WriteAsync(new byte[] { 0xff, 0xff, 0xff }, Token);

        var error = await Assert.ThrowsAsync<InvalidDataException>(async () => await reader.ReadAsync(Token));
        Assert.Equal("declares 4294967295", error.Message);
    }

    [Fact]
    public async Task ReadAsync_BodyEndsInsideAMessage_Refused()
    {
        var pipe = new Pipe();
        var reader = Reader(pipe.Reader, limit: 16, single: false);
        await pipe.Writer.WriteAsync(new byte[] { 0, 0, 0, 0, 3, 0x08 }, Token);
        await pipe.Writer.CompleteAsync();

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadLengthsAsync(reader));
        Assert.Equal("the body ends before the message its header declares", error.Message);
    }

    [Fact]
    public async Task ReadAsync_EmptyBody_RefusedForASingleMessageCallOnly()
    {
        var pipe = new Pipe();
        await pipe.Writer.CompleteAsync();
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadLengthsAsync(Reader(pipe.Reader, limit: 16, single: true)));
        Assert.Equal("the body holds no message", error.Message);

        var stream = new Pipe();
        await stream.Writer.CompleteAsync();
        Assert.Empty(await ReadLengthsAsync(Reader(stream.Reader, limit: 16, single: false)));
    }

    private static RequestFrameReader Reader(PipeReader inner, int limit, bool single) =>
        new(inner, limit, compressed: false, single, length => new InvalidDataException($"declares {length}"), reason => new InvalidDataException(reason));

    // Reads as grpc-dotnet does: whole messages only, examining everything it was given.
    private static async Task<List<int>> ReadLengthsAsync(PipeReader reader)
    {
        var lengths = new List<int>();
        while (true)
        {
            var result = await reader.ReadAsync(Token);
            var buffer = result.Buffer;
            while (buffer.Length >= 5)
            {
                var header = buffer.Slice(0, 5).ToArray();
                var length = (header[1] << 24) | (header[2] << 16) | (header[3] << 8) | header[4];
                if (buffer.Length < 5 + length)
                {
                    break;
                }

                lengths.Add(length);
                buffer = buffer.Slice(5 + length);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                return lengths;
            }
        }
    }
}
