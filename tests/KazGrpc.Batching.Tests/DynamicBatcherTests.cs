using KazGrpc.Core;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Batching.Tests;

/// <summary>
/// Every rule of the dynamic batcher on fake time. A test waits for the loop to settle (the observer
/// reports the queue length after timers are armed) before it moves time, so that the loop's view
/// of time is the test's.
/// </summary>
public sealed class DynamicBatcherTests
{
    private static readonly TimeSpan OneMs = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan TwoMs = TimeSpan.FromMilliseconds(2);

    [Fact]
    public async Task EnqueueAsync_FullBatch_GoesAtOnce()
    {
        await using var h = new BatcherHarness(o => o.MaxBatchSize = 3);

        var a = h.Enqueue("a");
        var b = h.Enqueue("b");
        var c = h.Enqueue("c");
        var call = await h.Executor.NextCallAsync();

        Assert.Equal(["a", "b", "c"], call.Items);
        Assert.All(h.Observer.QueueWaits, wait => Assert.Equal(TimeSpan.Zero, wait));
        call.Succeed();
        Assert.Equal(["r:a", "r:b", "r:c"], await Task.WhenAll(a, b, c));
    }

    [Fact]
    public async Task EnqueueAsync_DefaultQueueDelay_LoneItemGoesWithoutWaiting()
    {
        await using var h = new BatcherHarness(o => o.MaxQueueDelay = new DynamicBatcherOptions().MaxQueueDelay);
        var a = h.Enqueue("a");

        var call = await h.Executor.NextCallAsync();

        Assert.Equal(["a"], call.Items);
        Assert.Equal([TimeSpan.Zero], h.Observer.QueueWaits);
        call.Succeed();
        Assert.Equal("r:a", await a);
    }

    [Fact]
    public async Task EnqueueAsync_PartialBatch_WaitsMaxQueueDelayThenGoes()
    {
        await using var h = new BatcherHarness();
        var a = h.Enqueue("a");
        var b = h.Enqueue("b");
        await h.WaitForQueueLengthAsync(2);

        h.Time.Advance(TimeSpan.FromMilliseconds(1.5));
        Assert.Equal(0, h.Executor.CallCount);
        h.Time.Advance(TimeSpan.FromMilliseconds(0.5));
        var call = await h.Executor.NextCallAsync();

        Assert.Equal(["a", "b"], call.Items);
        Assert.Equal([TwoMs, TwoMs], h.Observer.QueueWaits);
        call.Succeed();
        Assert.Equal(["r:a", "r:b"], await Task.WhenAll(a, b));
    }

    [Fact]
    public async Task EnqueueAsync_QueueFull_OverloadedAtOnceWithRetryAfter()
    {
        await using var h = new BatcherHarness(o => o.MaxQueueSize = 3);
        _ = h.Enqueue("a");
        _ = h.Enqueue("b");
        await h.WaitForQueueLengthAsync(2);

        var rejected = h.EnqueueRequest("c", "d");

        Assert.True(rejected.IsCompleted);
        var error = await Assert.ThrowsAsync<OverloadedException>(() => rejected);
        Assert.Equal("the queue of model 'minilm' is full: 2 items waiting, limit 3; this request needs room for 2", error.Message);
        Assert.Equal(TwoMs, error.RetryAfter); // no batch has run yet: one round of MaxQueueDelay
        Assert.Equal(BatchOutcome.Rejected, Assert.Single(h.Observer.Outcomes));
        _ = h.Enqueue("e");
        await h.WaitForQueueLengthAsync(3);
        h.Time.Advance(TwoMs);
        Assert.Equal(["a", "b", "e"], (await h.Executor.NextCallAsync()).Items);
    }

    [Fact]
    public async Task EnqueueAsync_QueueFullAfterBatchesRan_RetryAfterFromMeanExecutionTime()
    {
        await using var h = new BatcherHarness(o =>
        {
            o.MaxBatchSize = 2;
            o.MaxQueueSize = 4;
            o.ConcurrentExecutions = 1;
            o.MaxQueueDelay = TimeSpan.FromHours(1);
        });
        var x = h.Enqueue("x");
        var y = h.Enqueue("y");
        var first = await h.Executor.NextCallAsync();
        h.Time.Advance(TimeSpan.FromMilliseconds(40));
        first.Succeed();
        await Task.WhenAll(x, y);
        _ = h.Enqueue("p");
        _ = h.Enqueue("q");
        await h.Executor.NextCallAsync(); // holds the only execution slot
        foreach (var item in new[] { "a", "b", "c", "d" })
        {
            _ = h.Enqueue(item);
        }

        await h.WaitForQueueLengthAsync(4);

        // Room for 2 items frees when one batch of 2 has left: one round of 40 ms; for 3, two rounds.
        var two = await Assert.ThrowsAsync<OverloadedException>(() => h.EnqueueRequest("e", "f"));
        var three = await Assert.ThrowsAsync<OverloadedException>(() => h.EnqueueRequest("e", "f", "g"));
        Assert.Equal(TimeSpan.FromMilliseconds(40), two.RetryAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(80), three.RetryAfter);
        Assert.Equal("the queue of model 'minilm' is full: 4 items waiting, limit 4; this request needs room for 3", three.Message);
    }

    [Fact]
    public async Task EnqueueAsync_StillQueuedAtDefaultQueueTimeout_DeadlineExceededAndNeverExecuted()
    {
        await using var h = new BatcherHarness(o =>
        {
            o.MaxBatchSize = 2;
            o.MaxQueueDelay = TimeSpan.FromHours(1);
        });
        var a = h.Enqueue("a");
        await h.WaitForQueueLengthAsync(1);

        h.Time.Advance(TimeSpan.FromSeconds(30) - OneMs);
        Assert.False(a.IsCompleted);
        h.Time.Advance(OneMs);

        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => a);
        Assert.Equal("the request waited 30000 ms in the queue of model 'minilm' and reached the queue timeout of 30 s before it could run", error.Message);
        Assert.Equal(BatchOutcome.Deadline, Assert.Single(h.Observer.Outcomes));
        await AssertNeverExecutedAsync(h, "a");
    }

    [Fact]
    public async Task EnqueueAsync_CallerDeadlineBeforeQueueTimeout_DeadlineExceededAtCallerDeadline()
    {
        await using var h = new BatcherHarness(o =>
        {
            o.MaxBatchSize = 2;
            o.MaxQueueDelay = TimeSpan.FromHours(1);
        });
        var a = h.Enqueue("a", deadline: h.Time.GetUtcNow().AddSeconds(5));
        await h.WaitForQueueLengthAsync(1);

        h.Time.Advance(TimeSpan.FromSeconds(5) - OneMs);
        Assert.False(a.IsCompleted);
        h.Time.Advance(OneMs);

        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => a);
        Assert.Equal("the request waited 5000 ms in the queue of model 'minilm' and reached its deadline before it could run", error.Message);
        await AssertNeverExecutedAsync(h, "a");
    }

    [Fact]
    public async Task EnqueueAsync_CallerDeadlineAfterQueueTimeout_QueueTimeoutApplies()
    {
        await using var h = new BatcherHarness(o =>
        {
            o.MaxQueueDelay = TimeSpan.FromHours(1);
            o.DefaultQueueTimeout = TimeSpan.FromSeconds(10);
        });
        var a = h.Enqueue("a", deadline: h.Time.GetUtcNow().AddMinutes(5));
        await h.WaitForQueueLengthAsync(1);

        h.Time.Advance(TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => a);
        Assert.Equal("the request waited 10000 ms in the queue of model 'minilm' and reached the queue timeout of 10 s before it could run", error.Message);
    }

    [Fact]
    public async Task EnqueueAsync_PriorityLevels_HigherPriorityBatchedFirstThenByAge()
    {
        await using var h = new BatcherHarness(o =>
        {
            o.MaxBatchSize = 2;
            o.MaxQueueDelay = TimeSpan.Zero;
            o.ConcurrentExecutions = 1;
            o.PriorityLevels = 3;
            o.DefaultPriorityLevel = 2;
        });
        _ = h.Enqueue("blocker");
        var held = await h.Executor.NextCallAsync();
        var low = h.Enqueue("low", priority: 3);
        var normal = h.Enqueue("normal", priority: 0);
        var high = h.Enqueue("high", priority: 1);
        var normal2 = h.Enqueue("normal2", priority: 2);
        await h.WaitForQueueLengthAsync(4);

        held.Succeed();
        var first = await h.Executor.NextCallAsync();
        first.Succeed();
        var second = await h.Executor.NextCallAsync();
        second.Succeed();

        Assert.Equal(["high", "normal"], first.Items);
        Assert.Equal(["normal2", "low"], second.Items);
        Assert.Equal(["r:low", "r:normal", "r:high", "r:normal2"], await Task.WhenAll(low, normal, high, normal2));
    }

    [Fact]
    public async Task EnqueueAsync_PriorityOutsideLevels_ArgumentOutOfRange()
    {
        await using var h = new BatcherHarness();

        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => h.Enqueue("a", priority: 3));

        Assert.Equal("priority", error.ParamName);
        Assert.Equal(0, h.Batcher.QueueLength);
    }

    [Fact]
    public async Task EnqueueAsync_ShortAndLongItems_LongItemDoesNotPadShortOnes()
    {
        await using var h = new BatcherHarness();
        var batches = await TwoBatchesAsync(h, ("short-a", 10), ("long", 300), ("short-b", 12));

        Assert.Equal(["long", "short-a,short-b"], batches);
    }

    [Fact]
    public async Task EnqueueAsync_LengthBucketGrowth_ItemsMoreThanTheFactorApartDoNotShareABatch()
    {
        // Bounds 16, 20, 25, 32: 17 and 20 share (16, 20]; 21 is in (20, 25].
        await using var h = new BatcherHarness(o => o.LengthBucketGrowth = 1.25);
        var batches = await TwoBatchesAsync(h, ("c17", 17), ("c21", 21), ("c20", 20));

        Assert.Equal(["c17,c20", "c21"], batches);
    }

    [Fact]
    public async Task EnqueueAsync_DefaultLengthBuckets_GrowByATenth()
    {
        // Default bounds 16, 18, 20, 22, 25, 28, 31, 35: 29 and 31 share (28, 31]; 32 is in (31, 35].
        await using var h = new BatcherHarness(o => o.LengthBucketGrowth = new DynamicBatcherOptions().LengthBucketGrowth);
        var batches = await TwoBatchesAsync(h, ("c29", 29), ("c32", 32), ("c31", 31));

        Assert.Equal(["c29,c31", "c32"], batches);
    }

    [Fact]
    public async Task EnqueueAsync_LongItemIsOldest_RunsFirstAndAlone()
    {
        await using var h = new BatcherHarness(o => o.ConcurrentExecutions = 1);
        _ = h.Enqueue("long", cost: 300);
        _ = h.Enqueue("short-a", cost: 10);
        _ = h.Enqueue("short-b", cost: 16);
        await h.WaitForQueueLengthAsync(3);

        h.Time.Advance(TwoMs);
        var first = await h.Executor.NextCallAsync();
        first.Succeed();
        var second = await h.Executor.NextCallAsync();

        Assert.Equal(["long"], first.Items);
        Assert.Equal(["short-a", "short-b"], second.Items);
    }

    [Fact]
    public async Task EnqueueAsync_TokenBudget_PaddedCostStaysWithinAndFullBudgetGoesAtOnce()
    {
        await using var h = new BatcherHarness(o => o.MaxBatchTokens = 100);
        // One bucket, (16, 32]: padded cost 30 × 3 = 90; a fourth item would cost at least 30 × 4 = 120.
        var request = h.Batcher.EnqueueAsync(
            [new BatchItem<string>("c20", 20), new BatchItem<string>("c30", 30), new BatchItem<string>("c25", 25)],
            0,
            null,
            CancellationToken.None).AsTask();

        var first = await h.Executor.NextCallAsync();
        Assert.Equal(["c20", "c30", "c25"], first.Items);
        first.Succeed();
        await request;
        _ = h.Enqueue("c32", cost: 32);
        _ = h.Enqueue("c17", cost: 17);
        _ = h.Enqueue("c31", cost: 31);
        _ = h.Enqueue("c18", cost: 18);
        var second = await h.Executor.NextCallAsync();

        // 32 × 3 = 96 fits, 32 × 4 = 128 does not: the fourth item waits for the next batch.
        Assert.Equal(["c32", "c17", "c31"], second.Items);
        await h.WaitForQueueLengthAsync(1);
        h.Time.Advance(TwoMs);
        Assert.Equal(["c18"], (await h.Executor.NextCallAsync()).Items);
    }

    [Fact]
    public async Task EnqueueAsync_ItemOverTokenBudget_RunsAloneAtOnce()
    {
        await using var h = new BatcherHarness(o => o.MaxBatchTokens = 300);
        // Both in bucket (256, 512]: "big" alone exceeds the budget, "fits" alone does not.
        _ = h.Enqueue("big", cost: 400);
        _ = h.Enqueue("fits", cost: 260);

        var calls = new[] { await h.Executor.NextCallAsync(), await h.Executor.NextCallAsync() };

        Assert.All(calls, c => Assert.Single(c.Items));
        Assert.Equal(["big", "fits"], calls.Select(c => c.Items[0]).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task EnqueueAsync_CallerCancelsWhileQueued_DroppedAndNeverExecuted()
    {
        await using var h = new BatcherHarness();
        using var caller = new CancellationTokenSource();
        var a = h.Enqueue("a");
        var b = h.Enqueue("b", caller: caller);
        await h.WaitForQueueLengthAsync(2);

        await caller.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b);
        await h.WaitForQueueLengthAsync(1);
        Assert.Equal(1, h.Batcher.QueueLength);
        h.Time.Advance(TwoMs);
        var call = await h.Executor.NextCallAsync();
        Assert.Equal(["a"], call.Items);
        call.Succeed();
        Assert.Equal("r:a", await a);
        Assert.Equal([BatchOutcome.Cancelled, BatchOutcome.Success], h.Observer.Outcomes);
    }

    [Fact]
    public async Task EnqueueAsync_CallerAlreadyCancelled_CancelledWithoutQueueing()
    {
        await using var h = new BatcherHarness();
        using var caller = new CancellationTokenSource();
        await caller.CancelAsync();

        var a = h.Enqueue("a", caller: caller);

        Assert.True(a.IsCanceled);
        Assert.Equal(0, h.Batcher.QueueLength);
        Assert.Equal(BatchOutcome.Cancelled, Assert.Single(h.Observer.Outcomes));
    }

    [Fact]
    public async Task EnqueueAsync_CallerCancelsWhileBatchRuns_BatchFinishesAndResultDropped()
    {
        await using var h = new BatcherHarness(o => o.MaxBatchSize = 2);
        using var caller = new CancellationTokenSource();
        var a = h.Enqueue("a", caller: caller);
        var b = h.Enqueue("b");
        var call = await h.Executor.NextCallAsync();

        await caller.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => a);
        Assert.False(call.Token.IsCancellationRequested);
        call.Succeed();

        Assert.Equal("r:b", await b);
        Assert.Equal(["a", "b"], call.Items);
        Assert.Equal([BatchOutcome.Cancelled, BatchOutcome.Success], h.Observer.Outcomes);
    }

    [Fact]
    public async Task EnqueueAsync_BatchFails_EachRequestFailsWithTheReason()
    {
        await using var h = new BatcherHarness(o => o.MaxBatchSize = 2);
        var a = h.Enqueue("a");
        var b = h.Enqueue("b");
        var call = await h.Executor.NextCallAsync();
        var reason = new InvalidOperationException("CUDA error: out of memory");

        call.Fail(reason);

        foreach (var request in new[] { a, b })
        {
            var error = await Assert.ThrowsAsync<ExecutionFailedException>(() => request);
            Assert.Equal("model 'minilm' failed to run a batch of 2 items: CUDA error: out of memory", error.Message);
            Assert.Same(reason, error.InnerException);
        }

        Assert.Equal([BatchOutcome.Failed, BatchOutcome.Failed], h.Observer.Outcomes);
        Assert.Same(reason, Assert.Single(h.Observer.BatchFailures));
        var logged = Assert.Single(h.Logger.Collector.GetSnapshot(), r => r.Level == LogLevel.Error);
        Assert.Same(reason, logged.Exception);
    }

    [Fact]
    public async Task EnqueueAsync_ExecutorReturnsWrongNumberOfResults_RequestsFail()
    {
        await using var h = new BatcherHarness(o => o.MaxBatchSize = 2);
        var a = h.Enqueue("a");
        _ = h.Enqueue("b");
        var call = await h.Executor.NextCallAsync();

        call.Return(["only one"]);

        var error = await Assert.ThrowsAsync<ExecutionFailedException>(() => a);
        Assert.Equal("model 'minilm' failed to run a batch of 2 items: the executor returned 1 results for a batch of 2 items", error.Message);
    }

    [Fact]
    public async Task EnqueueAsync_RequestSpansBatches_ResultsInRequestOrder()
    {
        await using var h = new BatcherHarness(o => o.MaxBatchSize = 3);
        var request = h.EnqueueRequest("i0", "i1", "i2", "i3", "i4");
        var first = await h.Executor.NextCallAsync();
        await h.WaitForQueueLengthAsync(2);
        h.Time.Advance(TwoMs);
        var second = await h.Executor.NextCallAsync();

        second.Succeed();
        Assert.False(request.IsCompleted);
        first.Succeed();

        Assert.Equal(["i0", "i1", "i2"], first.Items);
        Assert.Equal(["i3", "i4"], second.Items);
        Assert.Equal(["r:i0", "r:i1", "r:i2", "r:i3", "r:i4"], await request);
        Assert.Equal(BatchOutcome.Success, Assert.Single(h.Observer.Outcomes));
    }

    [Fact]
    public async Task EnqueueAsync_OneBatchOfRequestFails_RequestFailsAndItsQueuedItemsNeverRun()
    {
        await using var h = new BatcherHarness(o =>
        {
            o.MaxBatchSize = 2;
            o.ConcurrentExecutions = 1;
            o.MaxQueueDelay = TimeSpan.FromHours(1);
        });
        var request = h.EnqueueRequest("i0", "i1", "i2");
        var call = await h.Executor.NextCallAsync();
        await h.WaitForQueueLengthAsync(1);

        call.Fail(new InvalidOperationException("boom"));

        await Assert.ThrowsAsync<ExecutionFailedException>(() => request);
        await h.WaitForQueueLengthAsync(0);
        await AssertNeverExecutedAsync(h, "i2");
        Assert.Equal(BatchOutcome.Failed, h.Observer.Outcomes[0]);
    }

    [Fact]
    public async Task EnqueueAsync_ConcurrentExecutionsReached_NextBatchWaitsForASlot()
    {
        await using var h = new BatcherHarness(o =>
        {
            o.MaxBatchSize = 1;
            o.ConcurrentExecutions = 2;
        });
        _ = h.Enqueue("a");
        _ = h.Enqueue("b");
        var c = h.Enqueue("c");
        var running = new[] { await h.Executor.NextCallAsync(), await h.Executor.NextCallAsync() };
        await h.WaitForQueueLengthAsync(1);

        Assert.Equal(2, h.Executor.CallCount);
        running[1].Succeed();
        var third = await h.Executor.NextCallAsync();

        Assert.Equal(["c"], third.Items);
        Assert.Equal(3, h.Executor.CallCount);
        third.Succeed();
        Assert.Equal("r:c", await c);
    }

    [Fact]
    public async Task EnqueueAsync_EmptyRequest_CompletesAtOnceWithNoResults()
    {
        await using var h = new BatcherHarness();

        var results = await h.EnqueueRequest();

        Assert.Empty(results);
        Assert.Equal(0, h.Executor.CallCount);
    }

    [Fact]
    public async Task EnqueueAsync_RequestLargerThanQueue_ArgumentOutOfRange()
    {
        await using var h = new BatcherHarness(o => o.MaxQueueSize = 2);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => { _ = h.EnqueueRequest("a", "b", "c"); });

        Assert.StartsWith("a request of 3 items can never fit the queue of model 'minilm' (2 items)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DisposeAsync_ItemsQueuedAndBatchRunning_QueuedFailStoppingAndRunningFinish()
    {
        await using var h = new BatcherHarness(o =>
        {
            o.MaxBatchSize = 2;
            o.ConcurrentExecutions = 1;
            o.MaxQueueDelay = TimeSpan.FromHours(1);
        });
        var a = h.Enqueue("a");
        _ = h.Enqueue("b");
        var running = await h.Executor.NextCallAsync();
        var c = h.Enqueue("c");
        await h.WaitForQueueLengthAsync(1);

        var stopping = h.Batcher.DisposeAsync().AsTask();

        var error = await Assert.ThrowsAsync<NotReadyException>(() => c);
        Assert.Equal("the batcher of model 'minilm' is stopping; the request did not run", error.Message);
        Assert.False(stopping.IsCompleted);
        await Assert.ThrowsAsync<NotReadyException>(() => h.Enqueue("d"));
        running.Succeed();
        await stopping.WithTimeout();
        Assert.Equal("r:a", await a);
        Assert.Equal(1, h.Executor.CallCount);
        Assert.Equal(0, h.Batcher.QueueLength);
    }

    [Fact]
    public async Task StopAsync_TokenCancelled_CancelsRunningExecutionAndStopsWaiting()
    {
        await using var h = new BatcherHarness(o => o.MaxBatchSize = 1);
        var a = h.Enqueue("a");
        var running = await h.Executor.NextCallAsync();
        using var shutdown = new CancellationTokenSource();

        var stopping = h.Batcher.StopAsync(shutdown.Token);
        Assert.False(running.Token.IsCancellationRequested);
        await shutdown.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => stopping);
        Assert.True(running.Token.IsCancellationRequested);
        running.Fail(new OperationCanceledException(running.Token));
        await Assert.ThrowsAsync<ExecutionFailedException>(() => a);
    }

    [Fact]
    public void Constructor_InvalidOptions_ThrowsNamingTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new BatcherHarness(o =>
        {
            o.PriorityLevels = 2;
            o.DefaultPriorityLevel = 3;
        }));

        Assert.Equal("DynamicBatching:DefaultPriorityLevel must be in [1, 2]; got 3", error.Message);
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(4.5)]
    public void Constructor_LengthBucketGrowthOutOfRange_ThrowsNamingTheSetting(double growth)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new BatcherHarness(o => o.LengthBucketGrowth = growth));

        Assert.Equal($"DynamicBatching:LengthBucketGrowth must be in [1.05, 4]; got {growth}", error.Message);
    }

    /// <summary>Queues <paramref name="items"/> in order, lets the queue delay pass and returns the two
    /// batches that run, each as its items joined by commas, in ordinal order.</summary>
    private static async Task<IEnumerable<string>> TwoBatchesAsync(BatcherHarness h, params (string Name, int Cost)[] items)
    {
        foreach (var (name, cost) in items)
        {
            _ = h.Enqueue(name, cost: cost);
        }

        await h.WaitForQueueLengthAsync(items.Length);
        h.Time.Advance(TwoMs);
        var calls = new[] { await h.Executor.NextCallAsync(), await h.Executor.NextCallAsync() };
        return calls.Select(c => string.Join(",", c.Items)).Order(StringComparer.Ordinal);
    }

    /// <summary>Sends a full batch of two fresh items and checks that it holds only them and that no
    /// batch ever held <paramref name="neverRun"/>: an item still queued would be older than the
    /// probes and lead their batch.</summary>
    private static async Task AssertNeverExecutedAsync(BatcherHarness h, params string[] neverRun)
    {
        var p1 = h.Enqueue("probe-1");
        var p2 = h.Enqueue("probe-2");
        var call = await h.Executor.NextCallAsync();
        Assert.Equal(["probe-1", "probe-2"], call.Items);
        Assert.DoesNotContain(h.Executor.Batches.SelectMany(b => b), neverRun.Contains);
        call.Succeed();
        await Task.WhenAll(p1, p2);
    }
}
