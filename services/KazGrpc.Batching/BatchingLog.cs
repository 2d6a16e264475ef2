using Microsoft.Extensions.Logging;

namespace KazGrpc.Batching;

internal static partial class BatchingLog
{
    [LoggerMessage(1, LogLevel.Information, "Dynamic batcher for model {Model} started: batches of up to {MaxBatchSize} items and {MaxBatchTokens} tokens, {MaxQueueDelayMs} ms queue delay, {MaxQueueSize} queued items, {ConcurrentExecutions} concurrent executions")]
    public static partial void Started(ILogger logger, string model, int maxBatchSize, int maxBatchTokens, double maxQueueDelayMs, int maxQueueSize, int concurrentExecutions);

    [LoggerMessage(2, LogLevel.Debug, "Queue of model {Model} is full ({Waiting} of {Limit} items); a request of {Items} items was rejected")]
    public static partial void QueueFull(ILogger logger, string model, int waiting, int limit, int items);

    [LoggerMessage(3, LogLevel.Error, "A batch of {Size} items on model {Model} failed; each of its requests fails")]
    public static partial void BatchFailed(ILogger logger, Exception exception, string model, int size);

    [LoggerMessage(4, LogLevel.Information, "Batcher of model {Model} is stopping: {Requests} queued requests fail, {Running} running batches are awaited")]
    public static partial void Stopping(ILogger logger, string model, int requests, int running);

    [LoggerMessage(5, LogLevel.Critical, "The batching loop of model {Model} failed; the batcher no longer accepts requests")]
    public static partial void LoopFailed(ILogger logger, Exception exception, string model);
}
