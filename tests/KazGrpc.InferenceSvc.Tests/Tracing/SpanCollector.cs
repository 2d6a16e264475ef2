using System.Collections.Concurrent;
using System.Diagnostics;

namespace KazGrpc.InferenceSvc.Tests.Tracing;

/// <summary>
/// Listens, for the whole process, to the sources the services' tracer provider takes (their own
/// <c>KazGrpc</c> and ASP.NET Core's server spans), records every span, and hands out the stopped
/// spans of one trace. Services in this process show up in it together; other traces are ignored by id.
/// </summary>
public sealed class SpanCollector : IDisposable
{
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public SpanCollector()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is Hosting.ServerTracing.SourceName or "Microsoft.AspNetCore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Every span stopped so far, of any trace.</summary>
    public IReadOnlyList<Activity> Stopped => [.. _stopped];

    /// <summary>
    /// The stopped spans of <paramref name="trace"/> once those named in <paramref name="names"/> have
    /// all stopped (a span name may be listed as often as it must occur); throws with what came when
    /// they have not after 10 s.
    /// </summary>
    public async Task<IReadOnlyList<Activity>> WaitForAsync(ActivityTraceId trace, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var spans = _stopped.Where(a => a.TraceId == trace).ToList();
            var missing = names.GroupBy(n => n).Where(g => spans.Count(s => s.OperationName == g.Key || s.DisplayName == g.Key) < g.Count()).Select(g => g.Key).ToList();
            if (missing.Count == 0)
            {
                return spans;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"trace {trace} lacks {string.Join(", ", missing)}; it has {string.Join(", ", spans.Select(s => $"{s.Source.Name}/{s.OperationName}"))}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    public void Dispose() => _listener.Dispose();
}
