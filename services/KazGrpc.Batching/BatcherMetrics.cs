using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace KazGrpc.Batching;

/// <summary>
/// Batcher metrics on the service's <see cref="Meter"/>; one instance serves every batcher of the
/// process. Every instrument is tagged <c>model</c>, and request counts also <c>outcome</c> (one of
/// <c>success</c>, <c>rejected</c>, <c>cancelled</c>, <c>deadline</c>, <c>failed</c>); never anything
/// per request.
/// </summary>
/// <remarks>Instruments: <c>kazgrpc.batch.queue_duration</c> (s, per item, from arrival to its batch's
/// start), <c>kazgrpc.batch.size</c> (items per batch), <c>kazgrpc.batch.execution_duration</c>
/// (s, per batch), <c>kazgrpc.batch.requests</c> (completed requests by outcome) and
/// <c>kazgrpc.batch.queue_length</c> (items waiting, an observable gauge). The meter belongs to the
/// caller, who disposes it.</remarks>
public sealed class BatcherMetrics : IBatcherObserver
{
    private readonly Histogram<double> _queueDuration;
    private readonly Histogram<int> _batchSize;
    private readonly Histogram<double> _executionDuration;
    private readonly Counter<long> _requests;
    private readonly ConcurrentDictionary<string, int> _queueLengths = new(StringComparer.Ordinal);

    /// <summary>Creates the instruments on <paramref name="meter"/>.</summary>
    public BatcherMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _queueDuration = meter.CreateHistogram<double>("kazgrpc.batch.queue_duration", "s", "Time items waited in a batcher's queue before their batch started.");
        _batchSize = meter.CreateHistogram<int>("kazgrpc.batch.size", "{item}", "Items per executed batch.");
        _executionDuration = meter.CreateHistogram<double>("kazgrpc.batch.execution_duration", "s", "Time the executor took to run one batch.");
        _requests = meter.CreateCounter<long>("kazgrpc.batch.requests", "{request}", "Requests that left a batcher, by outcome.");
        meter.CreateObservableGauge("kazgrpc.batch.queue_length", ObserveQueueLengths, "{item}", "Items waiting in a batcher's queue.");
    }

    /// <inheritdoc />
    public void QueueLengthChanged(string model, int length) => _queueLengths[model] = length;

    /// <inheritdoc />
    public void BatchStarted(string model, ReadOnlySpan<TimeSpan> queueWaits)
    {
        var tag = ModelTag(model);
        foreach (var wait in queueWaits)
        {
            _queueDuration.Record(wait.TotalSeconds, tag);
        }

        _batchSize.Record(queueWaits.Length, tag);
    }

    /// <inheritdoc />
    public void BatchCompleted(string model, int size, TimeSpan executionTime, Exception? failure) =>
        _executionDuration.Record(executionTime.TotalSeconds, ModelTag(model));

    /// <inheritdoc />
    public void RequestCompleted(string model, BatchOutcome outcome) =>
        _requests.Add(1, ModelTag(model), new KeyValuePair<string, object?>("outcome", OutcomeTag(outcome)));

    /// <summary>The <c>outcome</c> tag value of <paramref name="outcome"/>.</summary>
    public static string OutcomeTag(BatchOutcome outcome) => outcome switch
    {
        BatchOutcome.Success => "success",
        BatchOutcome.Rejected => "rejected",
        BatchOutcome.Cancelled => "cancelled",
        BatchOutcome.Deadline => "deadline",
        BatchOutcome.Failed => "failed",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    private static KeyValuePair<string, object?> ModelTag(string model) => new("model", model);

    private IEnumerable<Measurement<int>> ObserveQueueLengths()
    {
        foreach (var (model, length) in _queueLengths)
        {
            yield return new Measurement<int>(length, ModelTag(model));
        }
    }
}
