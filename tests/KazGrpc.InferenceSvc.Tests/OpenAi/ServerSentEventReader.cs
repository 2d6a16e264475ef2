using System.Text;

namespace KazGrpc.InferenceSvc.Tests.OpenAi;

/// <summary>Reads an OpenAI event stream as a client sees it, and checks its framing: each event is
/// exactly one <c>data: </c> line followed by an empty line.</summary>
internal sealed class ServerSentEventReader(Stream stream) : IDisposable
{
    private readonly StreamReader _reader = new(stream, Encoding.UTF8);

    /// <summary>The payload of the next event; null at the end of the stream.</summary>
    public async Task<string?> NextAsync(CancellationToken cancellationToken)
    {
        var line = await _reader.ReadLineAsync(cancellationToken);
        if (line is null)
        {
            return null;
        }

        Assert.StartsWith("data: ", line, StringComparison.Ordinal);
        Assert.Equal(string.Empty, await _reader.ReadLineAsync(cancellationToken));
        return line["data: ".Length..];
    }

    /// <summary>Every payload of <paramref name="stream"/> up to its end.</summary>
    public static async Task<List<string>> ReadToEndAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var reader = new ServerSentEventReader(stream);
        return await reader.ReadAllAsync(cancellationToken);
    }

    public void Dispose() => _reader.Dispose();

    /// <summary>Every payload up to the end of the stream.</summary>
    public async Task<List<string>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var events = new List<string>();
        while (await NextAsync(cancellationToken) is { } data)
        {
            events.Add(data);
        }

        return events;
    }
}
