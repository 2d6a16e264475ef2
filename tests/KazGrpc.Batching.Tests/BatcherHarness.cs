using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace KazGrpc.Batching.Tests;

/// <summary>A batcher for model <c>minilm</c> on fake time, with the fake executor and a recording observer.
/// Its options start from a 2 ms queue delay and doubling length buckets, the values the timing and
/// grouping tests are written around, whatever the service defaults are.</summary>
internal sealed class BatcherHarness : IAsyncDisposable
{
    public const string Model = "minilm";

    public BatcherHarness(Action<DynamicBatcherOptions>? configure = null, IBatcherObserver? inner = null, System.Diagnostics.ActivitySource? tracing = null)
    {
        Options = new DynamicBatcherOptions { MaxQueueDelay = TimeSpan.FromMilliseconds(2), LengthBucketGrowth = 2 };
        configure?.Invoke(Options);
        Observer = new RecordingObserver(inner);
        Batcher = new DynamicBatcher<string, string>(Model, Executor.ExecuteAsync, Options, Time, Logger, Observer, tracing);
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));

    public FakeExecutor Executor { get; } = new();

    public FakeLogger Logger { get; } = new();

    public DynamicBatcherOptions Options { get; }

    public RecordingObserver Observer { get; }

    public DynamicBatcher<string, string> Batcher { get; }

    /// <summary>Enqueues one item; the cost defaults to 10 (the smallest length bucket) and
    /// <paramref name="caller"/>, when given, plays the caller's cancellation.</summary>
    public Task<string> Enqueue(string item, int cost = 10, int priority = 0, DateTimeOffset? deadline = null, CancellationTokenSource? caller = null) =>
        Batcher.EnqueueAsync(item, cost, priority, deadline, caller?.Token ?? CancellationToken.None).AsTask();

    /// <summary>Enqueues one request of several items, each of cost 10.</summary>
    public Task<IReadOnlyList<string>> EnqueueRequest(params string[] items) =>
        Batcher.EnqueueAsync([.. items.Select(i => new BatchItem<string>(i, 10))], 0, null, CancellationToken.None).AsTask();

    public Task WaitForQueueLengthAsync(int length) => Observer.WaitForQueueLengthAsync(length);

    public async ValueTask DisposeAsync()
    {
        Executor.ReleaseAll();
        await Batcher.DisposeAsync().AsTask().WithTimeout();
    }
}
