using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;

namespace KazGrpc.Testing;

/// <summary>
/// A hand-made HTTP/2 client connection (h2c with prior knowledge) that sends whatever frames a test
/// builds, floods included, and reads the server's frames one by one. HttpClient (which
/// <see cref="HostileFrames"/> drives) sends only well-formed traffic of its own choosing; this one
/// sends PING, SETTINGS and RST_STREAM at will. Header blocks are HPACK literals without indexing or
/// Huffman coding; the server's header blocks are not decoded. It acknowledges the server's SETTINGS
/// as it reads them.
/// </summary>
public sealed class RawHttp2Connection : IAsyncDisposable
{
    private const int FrameHeaderLength = 9;

    private static readonly byte[] Preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray();

    private readonly TcpClient _tcp;
    private readonly NetworkStream _stream;
    private readonly string _authority;
    private readonly SemaphoreSlim _writing = new(1, 1);
    private readonly byte[] _header = new byte[FrameHeaderLength];

    private RawHttp2Connection(TcpClient tcp, string authority)
    {
        _tcp = tcp;
        _stream = tcp.GetStream();
        _authority = authority;
    }

    /// <summary>Connects to <paramref name="address"/> and sends the preface and an empty SETTINGS.</summary>
    public static async Task<RawHttp2Connection> OpenAsync(Uri address, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(address.Host, address.Port, cancellationToken);
            var connection = new RawHttp2Connection(tcp, address.Authority);
            await connection.SendAsync(Preface.Concat(Frame(Http2FrameType.Settings, 0, 0, [])).ToArray(), cancellationToken);
            return connection;
        }
        catch
        {
            tcp.Dispose();
            throw;
        }
    }

    /// <summary>Writes <paramref name="frames"/> (one frame or many back to back) as they are.</summary>
    public async Task SendAsync(ReadOnlyMemory<byte> frames, CancellationToken cancellationToken)
    {
        await _writing.WaitAsync(cancellationToken);
        try
        {
            await _stream.WriteAsync(frames, cancellationToken);
        }
        finally
        {
            _writing.Release();
        }
    }

    /// <summary>The server's next frame; null once it has closed or reset the connection.</summary>
    public async Task<Http2Frame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _stream.ReadExactlyAsync(_header, cancellationToken);
            var length = (_header[0] << 16) | (_header[1] << 8) | _header[2];
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, cancellationToken);
            var frame = new Http2Frame((Http2FrameType)_header[3], _header[4], (int)(BinaryPrimitives.ReadUInt32BigEndian(_header.AsSpan(5)) & 0x7fffffff), payload);
            if (frame.Type == Http2FrameType.Settings && !frame.Ack)
            {
                await SendAsync(Frame(Http2FrameType.Settings, 0x1, 0, []), cancellationToken);
            }

            return frame;
        }
        catch (Exception ex) when (ex is EndOfStreamException or IOException)
        {
            return null;
        }
    }

    /// <summary>Reads until a frame <paramref name="match"/>es and returns it; null when the connection ends first.</summary>
    public async Task<Http2Frame?> ReadUntilAsync(Func<Http2Frame, bool> match, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(match);
        while (await ReadFrameAsync(cancellationToken) is { } frame)
        {
            if (match(frame))
            {
                return frame;
            }
        }

        return null;
    }

    /// <summary>A HEADERS frame that opens stream <paramref name="streamId"/> as a gRPC call of <paramref name="path"/>
    /// (<c>/package.Service/Method</c>); with <paramref name="endStream"/>, a call that sends no message; without
    /// <paramref name="endHeaders"/>, a header block that CONTINUATION frames go on with.</summary>
    public byte[] Headers(int streamId, string path, bool endStream = false, bool endHeaders = true)
    {
        var block = new List<byte>();
        foreach (var (name, value) in new[]
        {
            (":method", "POST"), (":scheme", "http"), (":authority", _authority), (":path", path),
            ("content-type", "application/grpc"), ("te", "trailers"),
        })
        {
            block.AddRange(HeaderField(name, value));
        }

        // END_HEADERS and END_STREAM when asked.
        return Frame(Http2FrameType.Headers, (byte)((endHeaders ? 0x4 : 0x0) | (endStream ? 0x1 : 0x0)), streamId, [.. block]);
    }

    /// <summary>A CONTINUATION frame of stream <paramref name="streamId"/>'s header block, carrying <paramref name="block"/>
    /// (empty, or fields from <see cref="HeaderField"/>); <paramref name="endHeaders"/> ends the block.</summary>
    public static byte[] Continuation(int streamId, ReadOnlySpan<byte> block, bool endHeaders) =>
        Frame(Http2FrameType.Continuation, endHeaders ? (byte)0x4 : (byte)0x0, streamId, block);

    /// <summary>One header field as a literal without indexing, new name (RFC 7541, section 6.2.2).</summary>
    public static byte[] HeaderField(string name, string value)
    {
        var field = new List<byte> { 0x00 };
        AddString(field, name);
        AddString(field, value);
        return [.. field];
    }

    /// <summary>A DATA frame on <paramref name="streamId"/>.</summary>
    public static byte[] Data(int streamId, ReadOnlySpan<byte> data, bool endStream) =>
        Frame(Http2FrameType.Data, endStream ? (byte)0x1 : (byte)0x0, streamId, data);

    /// <summary>A RST_STREAM of <paramref name="streamId"/>.</summary>
    public static byte[] RstStream(int streamId, Http2ErrorCode code)
    {
        Span<byte> payload = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)code);
        return Frame(Http2FrameType.RstStream, 0, streamId, payload);
    }

    /// <summary>A PING carrying <paramref name="data"/>.</summary>
    public static byte[] Ping(long data)
    {
        Span<byte> payload = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(payload, data);
        return Frame(Http2FrameType.Ping, 0, 0, payload);
    }

    /// <summary>A SETTINGS frame of <paramref name="settings"/> (identifier, value).</summary>
    public static byte[] Settings(params (ushort Id, uint Value)[] settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var payload = new byte[settings.Length * 6];
        for (var i = 0; i < settings.Length; i++)
        {
            BinaryPrimitives.WriteUInt16BigEndian(payload.AsSpan(i * 6), settings[i].Id);
            BinaryPrimitives.WriteUInt32BigEndian(payload.AsSpan((i * 6) + 2), settings[i].Value);
        }

        return Frame(Http2FrameType.Settings, 0, 0, payload);
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
        _writing.Dispose();
    }

    private static byte[] Frame(Http2FrameType type, byte flags, int streamId, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[FrameHeaderLength + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = (byte)type;
        frame[4] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(5), (uint)streamId);
        payload.CopyTo(frame.AsSpan(FrameHeaderLength));
        return frame;
    }

    // A string literal: its length as an HPACK integer with a 7-bit prefix (H = 0, no Huffman), then its bytes.
    private static void AddString(List<byte> block, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        var length = bytes.Length;
        if (length < 0x7f)
        {
            block.Add((byte)length);
        }
        else
        {
            block.Add(0x7f);
            for (length -= 0x7f; length >= 0x80; length >>= 7)
            {
                block.Add((byte)((length & 0x7f) | 0x80));
            }

            block.Add((byte)length);
        }

        block.AddRange(bytes);
    }
}
