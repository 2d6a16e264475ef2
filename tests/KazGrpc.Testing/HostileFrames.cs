using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf.Reflection;
using Grpc.Core;

namespace KazGrpc.Testing;

/// <summary>
/// Hand-made gRPC request bodies that a caller may send by mistake or on purpose, and a raw HTTP/2
/// client (h2c, no gRPC library) that sends one to a method and reads the status it gets.
/// </summary>
public static class HostileFrames
{
    /// <summary>The codes a hostile input may get: gRPC's status-code guide for a request that cannot be read.</summary>
    public static readonly StatusCode[] Allowed = [StatusCode.Internal, StatusCode.InvalidArgument, StatusCode.ResourceExhausted];

    /// <summary>One hostile request body and, for <paramref name="Applies"/> methods, what it must get.</summary>
    /// <param name="Name">What the input is.</param>
    /// <param name="Body">The request body (gRPC frames), built for a method.</param>
    /// <param name="Expected">The one code it must get, or null for any of <see cref="Allowed"/>.</param>
    /// <param name="Applies">Whether the input is hostile for the method (an empty stream is a valid one).</param>
    /// <param name="Words">Words the status message must contain, if any.</param>
    public sealed record Input(string Name, Func<MethodDescriptor, byte[]> Body, StatusCode? Expected, Func<MethodDescriptor, bool> Applies, string? Words = null);

    /// <summary>Every hostile input.</summary>
    public static IReadOnlyList<Input> All { get; } =
    [
        new("garbage protobuf", _ => Frame([0xff, 0xff, 0xff, 0xff, 0xff]), StatusCode.Internal, _ => true, "is not valid protobuf"),
        new("random bytes", _ => Frame(Random(seed: 22, length: 257)), null, _ => true),
        new("invalid UTF-8 string", m => Frame([Tag(FirstStringField(m)!.FieldNumber, 2), 2, 0xc3, 0x28]), StatusCode.Internal, m => FirstStringField(m) is not null, "invalid UTF-8"),
        new("invalid wire type", _ => Frame([Tag(1, 7), 0]), StatusCode.Internal, _ => true, "invalid wire type"),
        new("deep nesting (unknown groups)", _ => Frame([.. Enumerable.Repeat(Tag(15, 3), 200), .. Enumerable.Repeat(Tag(15, 4), 200)]), StatusCode.Internal, _ => true, "too many levels of nesting"),
        new("truncated varint", _ => Frame([Tag(1, 0), 0xff, 0xff, 0xff]), StatusCode.Internal, _ => true, "input ended unexpectedly"),
        new("length bomb 0xffffffff", _ => Header(0, 0xffffffff), StatusCode.ResourceExhausted, _ => true, "declares 4294967295 bytes; the limit is 16777216"),
        new("length one byte over the 16 MiB limit", _ => [.. Header(0, (16 << 20) + 1), 0x08, 0x00], StatusCode.ResourceExhausted, _ => true, "declares 16777217 bytes; the limit is 16777216"),
        new("length 2 GiB - 1 over the limit", _ => Header(0, int.MaxValue), StatusCode.ResourceExhausted, _ => true, "declares 2147483647 bytes"),
        new("compressed without grpc-encoding", _ => [.. Header(1, 2), 0x08, 0x00], StatusCode.Internal, _ => true, "compressed flag is set but the call names no grpc-encoding"),
        new("compressed flag 7", _ => [.. Header(7, 0)], StatusCode.Internal, _ => true, "compressed flag 7 is neither 0 nor 1"),
        new("frame shorter than its header says", _ => [.. Header(0, 10), 0x08, 0x00], StatusCode.Internal, _ => true, "the body ends before the message its header declares"),
        new("header cut short", _ => [0, 0, 0], StatusCode.Internal, _ => true, "the body ends inside a message header"),
        new("empty body", _ => [], StatusCode.Internal, m => !m.IsClientStreaming, "the body holds no message"),
    ];

    /// <summary>A client for <see cref="SendAsync"/>: HTTP/2 only, cleartext (h2c with prior knowledge).</summary>
    public static HttpClient CreateClient() => new(new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
    {
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

    /// <summary>Posts <paramref name="body"/> as a gRPC call of <paramref name="method"/> and returns its grpc-status and grpc-message.</summary>
    public static async Task<(StatusCode Code, string Message)> SendAsync(HttpClient client, Uri address, MethodDescriptor method, byte[] body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, $"/{method.Service.FullName}/{method.Name}"))
        {
            // A message of its own is HTTP/1.1 unless it says otherwise (the client's defaults are for its own helpers).
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(body),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        // A call that fails before it answers anything sends its status in the headers (trailers-only).
        var headers = response.TrailingHeaders.Contains("grpc-status") ? response.TrailingHeaders : response.Headers;
        var code = (StatusCode)int.Parse(headers.GetValues("grpc-status").Single(), System.Globalization.CultureInfo.InvariantCulture);
        var message = headers.TryGetValues("grpc-message", out var values) ? Uri.UnescapeDataString(values.Single()) : string.Empty;
        return (code, message);
    }

    private static FieldDescriptor? FirstStringField(MethodDescriptor method) =>
        method.InputType.Fields.InFieldNumberOrder().FirstOrDefault(f => f.FieldType == FieldType.String && !f.IsRepeated)
            ?? method.InputType.Fields.InFieldNumberOrder().FirstOrDefault(f => f.FieldType == FieldType.String);

    private static byte Tag(int field, int wireType) => (byte)((field << 3) | wireType);

    private static byte[] Header(byte flag, uint length)
    {
        var header = new byte[5];
        header[0] = flag;
        BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(1), length);
        return header;
    }

    private static byte[] Frame(byte[] message) => [.. Header(0, (uint)message.Length), .. message];

    private static byte[] Random(int seed, int length)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
