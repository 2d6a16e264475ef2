using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Hosting.Security;

/// <summary>
/// One JSON line per call (category <see cref="Category"/>, Information): <c>time</c> (when it began,
/// UTC), <c>caller</c>, <c>rpc</c> (gRPC method or HTTP route), <c>transport</c>, <c>model</c>,
/// <c>prompt_tokens</c>, <c>generated_tokens</c>, <c>status</c> (the gRPC code's name, as the caller
/// got it on any transport), <c>duration_ms</c>, <c>request_id</c> and <c>trace_id</c> (the current
/// Activity's, empty when none). Never the text of a prompt or an output, never token ids.
/// </summary>
public sealed partial class AuditLog(ILoggerFactory loggerFactory)
{
    /// <summary>The logger category of the audit lines.</summary>
    public const string Category = "KazGrpc.Audit";

    private static readonly string[] StatusNames =
    [
        "OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
        "RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS",
        "UNAUTHENTICATED",
    ];

    private readonly ILogger _logger = loggerFactory.CreateLogger(Category);

    /// <summary>The canonical name of <paramref name="code"/>, e.g. <c>PERMISSION_DENIED</c>.</summary>
    public static string StatusName(StatusCode code) => (int)code is >= 0 and < 17 ? StatusNames[(int)code] : code.ToString();

    /// <summary>Writes the line of <paramref name="scope"/>'s call, which ended with <paramref name="status"/> after <paramref name="duration"/>.</summary>
    public void Write(CallerScope scope, StatusCode status, TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(scope);
        if (!_logger.IsEnabled(LogLevel.Information))
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>(384);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("time", scope.StartedAt.UtcDateTime);
            json.WriteString("caller", scope.CallerId);
            json.WriteString("rpc", scope.Operation);
            json.WriteString("transport", scope.Transport);
            json.WriteString("model", scope.Model);
            json.WriteNumber("prompt_tokens", scope.PromptTokens);
            json.WriteNumber("generated_tokens", scope.GeneratedTokens);
            json.WriteString("status", StatusName(status));
            json.WriteNumber("duration_ms", Math.Round(duration.TotalMilliseconds, 3));
            json.WriteString("request_id", scope.RequestId);
            json.WriteString("trace_id", Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.TraceId.ToHexString() : string.Empty);
            json.WriteEndObject();
        }

        Audit(_logger, Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [LoggerMessage(1, LogLevel.Information, "{Audit}")]
    private static partial void Audit(ILogger logger, string audit);
}
