using System.Text.Json;
using KazGrpc.Hosting.Security;
using Microsoft.Extensions.Logging.Testing;

namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>The audit lines a host logged, parsed.</summary>
internal static class AuditLines
{
    /// <summary>The fields every audit line has, and no others.</summary>
    public static readonly string[] Fields =
        ["time", "caller", "rpc", "transport", "model", "prompt_tokens", "generated_tokens", "status", "duration_ms", "request_id", "trace_id"];

    /// <summary>Waits up to 5 s for the line of <paramref name="requestId"/> (a streamed call's may follow its last message).</summary>
    public static async Task<JsonElement> WaitForAsync(FakeLogCollector logs, string requestId, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(5);
        while (true)
        {
            var line = All(logs).LastOrDefault(l => l.GetProperty("request_id").GetString() == requestId);
            if (line.ValueKind == JsonValueKind.Object)
            {
                return line;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no audit line for request {requestId}");
            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>Every audit line so far, parsed.</summary>
    public static List<JsonElement> All(FakeLogCollector logs) =>
        [.. logs.GetSnapshot().Where(r => r.Category == AuditLog.Category).Select(r => JsonDocument.Parse(r.Message).RootElement.Clone())];
}
