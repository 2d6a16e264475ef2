using System.Buffers;
using System.Buffers.Binary;
using System.IO.Pipelines;

namespace KazGrpc.Hosting;

/// <summary>
/// Reads a gRPC request body through <paramref name="inner"/>, checking the 5-byte header of each
/// message as it arrives, before the message is read: a declared length over <paramref name="limit"/>
/// throws what <paramref name="tooLarge"/> makes; a compressed flag the call cannot have (it names
/// a grpc-encoding when <paramref name="compressed"/>), a body that ends inside a message, or an
/// empty one where the call takes a <paramref name="single"/> message, what <paramref name="malformed"/>
/// makes. grpc-dotnet checks the limit itself, but a length above 2^31 - 1 makes it throw an
/// IOException, which a call answers UNKNOWN and a stream cannot tell from the caller resetting it.
/// </summary>
internal sealed class RequestFrameReader(PipeReader inner, int limit, bool compressed, bool single, Func<long, Exception> tooLarge, Func<string, Exception> malformed) : PipeReader
{
    private const int HeaderLength = 5;

    // Offsets in the body: of the first byte not yet consumed, and of the next header not yet checked.
    private long _consumed;
    private long _nextHeader;
    private ReadOnlySequence<byte> _last;

    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        var result = await inner.ReadAsync(cancellationToken);
        Check(result.Buffer, result.IsCompleted);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!inner.TryRead(out result))
        {
            return false;
        }

        Check(result.Buffer, result.IsCompleted);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed)
    {
        _consumed += _last.Slice(0, consumed).Length;
        inner.AdvanceTo(consumed);
    }

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        _consumed += _last.Slice(0, consumed).Length;
        inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

    private void Check(ReadOnlySequence<byte> buffer, bool completed)
    {
        _last = buffer;

        // A reader consumes whole messages, so the next header never lies before the buffer.
        Span<byte> header = stackalloc byte[HeaderLength];
        while (_nextHeader - _consumed + HeaderLength <= buffer.Length)
        {
            buffer.Slice(_nextHeader - _consumed, HeaderLength).CopyTo(header);
            if (header[0] > 1 || (header[0] == 1 && !compressed))
            {
                throw malformed(header[0] > 1 ? $"compressed flag {header[0]} is neither 0 nor 1" : "compressed flag is set but the call names no grpc-encoding");
            }

            var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
            if (length > limit)
            {
                throw tooLarge(length);
            }

            _nextHeader += HeaderLength + length;
        }

        if (completed && _nextHeader - _consumed != buffer.Length)
        {
            throw malformed(_nextHeader - _consumed < buffer.Length ? "the body ends inside a message header" : "the body ends before the message its header declares");
        }

        if (completed && single && _nextHeader == 0)
        {
            throw malformed("the body holds no message");
        }
    }
}
