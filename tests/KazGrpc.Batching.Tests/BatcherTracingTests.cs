using System.Collections.Concurrent;
using System.Diagnostics;
using KazGrpc.Core;

namespace KazGrpc.Batching.Tests;

/// <summary>The batcher's spans, on a source of each test's own that one listener records.</summary>
public sealed class BatcherTracingTests : IDisposable
{
    private readonly ActivitySource _source = new($"KazGrpc.Batching.Tests.{Guid.NewGuid():N}");
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public BatcherTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, _source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }

    /// <summary>The one span named <paramref name="name"/> once it has stopped: a batch's span ends
    /// after its requests have their results.</summary>
    private async Task<Activity> StoppedAsync(string name)
    {
        for (var i = 0; i < 500 && !_stopped.Any(s => s.OperationName == name); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        return Assert.Single(_stopped, s => s.OperationName == name);
    }

    [Fact]
    public async Task EnqueueAsync_TwoCallersInOneBatch_BatchUnderTheOldestLinkedBothWays()
    {
        await using var h = new BatcherHarness(o => o.MaxBatchSize = 2, tracing: _source);
        using var first = _source.StartActivity("caller-1");
        var a = h.Enqueue("a");
        first!.Stop();
        using var second = _source.StartActivity("caller-2");
        var b = h.Enqueue("b");
        second!.Stop();

        var call = await h.Executor.NextCallAsync();
        call.Succeed();
        await Task.WhenAll(a, b);

        var batch = await StoppedAsync("kazgrpc.batch");
        var queues = _stopped.Where(s => s.OperationName == "kazgrpc.batch.queue").OrderBy(s => s.StartTimeUtc).ToList();
        Assert.Equal([first.SpanId, second.SpanId], queues.Select(q => q.ParentSpanId));
        Assert.Equal(first.SpanId, batch.ParentSpanId);
        Assert.Equal(first.TraceId, batch.TraceId);
        Assert.Equal(queues.Select(q => q.SpanId), batch.Links.Select(l => l.Context.SpanId));
        Assert.All(queues, q => Assert.Equal(batch.SpanId, Assert.Single(q.Links).Context.SpanId));
        Assert.Equal(2, batch.GetTagItem("kazgrpc.batch.size"));
        Assert.Equal(2, batch.GetTagItem("kazgrpc.batch.requests"));
        Assert.Equal(20, batch.GetTagItem("kazgrpc.batch.padded_tokens"));
        Assert.Equal(ActivityStatusCode.Unset, batch.Status);
    }

    [Fact]
    public async Task EnqueueAsync_DeadlineInTheQueue_QueueSpanEndsFailedAndNoBatch()
    {
        await using var h = new BatcherHarness(o => o.MaxQueueDelay = TimeSpan.FromHours(1), tracing: _source);
        var a = h.Enqueue("a", deadline: h.Time.GetUtcNow().AddSeconds(5));
        await h.WaitForQueueLengthAsync(1);

        h.Time.Advance(TimeSpan.FromSeconds(5));
        await Assert.ThrowsAsync<DeadlineExceededException>(() => a);

        var queue = Assert.Single(_stopped);
        Assert.Equal("kazgrpc.batch.queue", queue.OperationName);
        Assert.Equal(ActivityStatusCode.Error, queue.Status);
        Assert.Equal("Deadline", queue.GetTagItem("error.type"));
        Assert.Equal(default, queue.ParentSpanId);
    }

    [Fact]
    public async Task EnqueueAsync_FailedBatch_BatchSpanSaysWhy()
    {
        await using var h = new BatcherHarness(o => o.MaxBatchSize = 1, tracing: _source);
        var a = h.Enqueue("a");

        (await h.Executor.NextCallAsync()).Fail(new InvalidOperationException("boom"));
        await Assert.ThrowsAsync<ExecutionFailedException>(() => a);

        var batch = await StoppedAsync("kazgrpc.batch");
        Assert.Equal(ActivityStatusCode.Error, batch.Status);
        Assert.Equal(nameof(InvalidOperationException), batch.GetTagItem("error.type"));
    }
}
