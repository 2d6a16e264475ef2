using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>OpenAI's streaming framing: each event is <c>data: {json}\n\n</c>, flushed at once, and the
/// stream ends with <c>data: [DONE]\n\n</c>.</summary>
internal static class ServerSentEvents
{
    /// <summary>Sets the status and headers of an event stream (nothing is sent until the first event).</summary>
    public static void Begin(HttpResponse response)
    {
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        // Proxies such as nginx would otherwise hold events back.
        response.Headers["X-Accel-Buffering"] = "no";
    }

    /// <summary>Writes one event holding <paramref name="value"/> and flushes it.</summary>
    public static async Task WriteAsync<T>(HttpResponse response, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var body = response.BodyWriter;
        body.Write("data: "u8);
        using (var json = new Utf8JsonWriter(body))
        {
            JsonSerializer.Serialize(json, value, type);
        }

        body.Write("\n\n"u8);
        await FlushAsync(body, cancellationToken);
    }

    /// <summary>Writes the closing <c>data: [DONE]</c> and flushes it.</summary>
    public static async Task WriteDoneAsync(HttpResponse response, CancellationToken cancellationToken)
    {
        response.BodyWriter.Write("data: [DONE]\n\n"u8);
        await FlushAsync(response.BodyWriter, cancellationToken);
    }

    private static async Task FlushAsync(System.IO.Pipelines.PipeWriter body, CancellationToken cancellationToken)
    {
        // A write to a connection the caller closed completes without an error; the request's
        // token has flipped by then, and the generation must stop.
        var result = await body.FlushAsync(cancellationToken);
        if (result.IsCompleted || result.IsCanceled)
        {
            cancellationToken.ThrowIfCancellationRequested();
        }
    }
}
