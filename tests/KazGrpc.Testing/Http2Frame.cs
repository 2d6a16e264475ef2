using System.Buffers.Binary;

namespace KazGrpc.Testing;

/// <summary>One HTTP/2 frame as <see cref="RawHttp2Connection"/> read it.</summary>
/// <param name="Type">The frame's type.</param>
/// <param name="Flags">Its flags byte.</param>
/// <param name="StreamId">Its stream; 0 for the connection.</param>
/// <param name="Payload">Its payload.</param>
public sealed record Http2Frame(Http2FrameType Type, byte Flags, int StreamId, byte[] Payload)
{
    /// <summary>SETTINGS_MAX_CONCURRENT_STREAMS.</summary>
    public const ushort MaxConcurrentStreams = 0x3;

    /// <summary>SETTINGS_HEADER_TABLE_SIZE.</summary>
    public const ushort HeaderTableSize = 0x1;

    /// <summary>SETTINGS_INITIAL_WINDOW_SIZE.</summary>
    public const ushort InitialWindowSize = 0x4;

    /// <summary>SETTINGS_MAX_HEADER_LIST_SIZE.</summary>
    public const ushort MaxHeaderListSize = 0x6;

    /// <summary>The ACK flag of SETTINGS and PING, which is the END_STREAM flag of DATA and HEADERS.</summary>
    public bool Ack => (Flags & 0x1) != 0;

    /// <summary>END_STREAM on DATA and HEADERS: the server's last frame of the stream.</summary>
    public bool EndStream => (Type is Http2FrameType.Data or Http2FrameType.Headers) && (Flags & 0x1) != 0;

    /// <summary>The error code of a RST_STREAM or GOAWAY.</summary>
    public Http2ErrorCode ErrorCode => Type switch
    {
        Http2FrameType.RstStream => (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(Payload),
        Http2FrameType.GoAway => (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(4)),
        _ => throw new InvalidOperationException($"a {Type} frame has no error code"),
    };

    /// <summary>The opaque data of a PING.</summary>
    public long PingData => Type == Http2FrameType.Ping ? BinaryPrimitives.ReadInt64BigEndian(Payload) : throw new InvalidOperationException($"a {Type} frame is not a PING");

    /// <summary>The parameters of a SETTINGS frame, by identifier.</summary>
    public IReadOnlyDictionary<ushort, uint> Settings()
    {
        var settings = new Dictionary<ushort, uint>();
        for (var i = 0; i + 6 <= Payload.Length; i += 6)
        {
            settings[BinaryPrimitives.ReadUInt16BigEndian(Payload.AsSpan(i))] = BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(i + 2));
        }

        return settings;
    }

    public override string ToString() => Type switch
    {
        Http2FrameType.RstStream or Http2FrameType.GoAway => $"{Type} stream {StreamId} {ErrorCode}",
        _ => $"{Type} stream {StreamId} flags 0x{Flags:x2} {Payload.Length} bytes",
    };
}
