using System.Diagnostics.Metrics;
using KazGrpc.Core;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace KazGrpc.Batching.Tests;

public sealed class BatcherMetricsTests : IDisposable
{
    private static readonly TimeSpan TwoMs = TimeSpan.FromMilliseconds(2);
    private readonly Meter _meter = new("KazGrpc.Batching.Tests");
    private readonly BatcherMetrics _metrics;

    public BatcherMetricsTests() => _metrics = new BatcherMetrics(_meter);

    public void Dispose() => _meter.Dispose();

    [Fact]
    public async Task RequestCompleted_EveryOutcome_CountedWithModelAndOutcomeTagsOnly()
    {
        using var requests = new MetricCollector<long>(_meter, "kazgrpc.batch.requests");
        await using var h = new BatcherHarness(o => o.MaxQueueSize = 3, _metrics);
        // success
        var ok = h.Enqueue("ok");
        await h.WaitForQueueLengthAsync(1);
        h.Time.Advance(TwoMs);
        (await h.Executor.NextCallAsync()).Succeed();
        await ok;
        // failed
        var failing = h.Enqueue("failing");
        await h.WaitForQueueLengthAsync(1);
        h.Time.Advance(TwoMs);
        (await h.Executor.NextCallAsync()).Fail(new InvalidOperationException("boom"));
        await Assert.ThrowsAsync<ExecutionFailedException>(() => failing);
        // cancelled
        using var caller = new CancellationTokenSource();
        var cancelled = h.Enqueue("cancelled", caller: caller);
        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await h.WaitForQueueLengthAsync(0);
        // deadline
        var late = h.Enqueue("late", deadline: h.Time.GetUtcNow().AddMilliseconds(1));
        await h.WaitForQueueLengthAsync(1);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        await Assert.ThrowsAsync<DeadlineExceededException>(() => late);
        await h.WaitForQueueLengthAsync(0);
        // rejected
        _ = h.EnqueueRequest("x", "y", "z");
        await Assert.ThrowsAsync<OverloadedException>(() => h.Enqueue("over"));

        var counts = requests.GetMeasurementSnapshot()
            .GroupBy(m => (string)m.Tags["outcome"]!)
            .ToDictionary(g => g.Key, g => g.Sum(m => m.Value), StringComparer.Ordinal);
        Assert.Equal(
            new Dictionary<string, long>(StringComparer.Ordinal) { ["success"] = 1, ["failed"] = 1, ["cancelled"] = 1, ["deadline"] = 1, ["rejected"] = 1 },
            counts);
        Assert.All(requests.GetMeasurementSnapshot(), m =>
        {
            Assert.Equal(["model", "outcome"], m.Tags.Keys.Order(StringComparer.Ordinal));
            Assert.Equal("minilm", m.Tags["model"]);
        });
    }

    [Fact]
    public async Task BatchStartedAndCompleted_Batch_RecordsQueueWaitSizeAndExecutionTime()
    {
        using var queueDuration = new MetricCollector<double>(_meter, "kazgrpc.batch.queue_duration");
        using var batchSize = new MetricCollector<int>(_meter, "kazgrpc.batch.size");
        using var execution = new MetricCollector<double>(_meter, "kazgrpc.batch.execution_duration");
        await using var h = new BatcherHarness(inner: _metrics);
        var request = h.EnqueueRequest("a", "b", "c");
        await h.WaitForQueueLengthAsync(3);
        h.Time.Advance(TwoMs);
        var call = await h.Executor.NextCallAsync();
        h.Time.Advance(TimeSpan.FromMilliseconds(40));

        call.Succeed();
        await request;

        Assert.Equal([0.002, 0.002, 0.002], queueDuration.GetMeasurementSnapshot().Select(m => m.Value));
        Assert.Equal(3, Assert.Single(batchSize.GetMeasurementSnapshot()).Value);
        var executed = Assert.Single(execution.GetMeasurementSnapshot());
        Assert.Equal(0.04, executed.Value, 6);
        Assert.Equal("minilm", executed.Tags["model"]);
        Assert.Single(executed.Tags);
    }

    [Fact]
    public async Task QueueLengthChanged_ItemsWaiting_ObservedPerModel()
    {
        using var queueLength = new MetricCollector<int>(_meter, "kazgrpc.batch.queue_length");
        await using var h = new BatcherHarness(inner: _metrics);
        _ = h.EnqueueRequest("a", "b");
        await h.WaitForQueueLengthAsync(2);

        queueLength.RecordObservableInstruments();

        var observed = Assert.Single(queueLength.GetMeasurementSnapshot());
        Assert.Equal(2, observed.Value);
        Assert.Equal("minilm", observed.Tags["model"]);
    }
}
