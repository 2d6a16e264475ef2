using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace KazGrpc.Generation;

/// <summary>
/// Generation metrics on the service's <see cref="Meter"/>; one instance serves every engine of the
/// process. Every instrument is tagged <c>model</c> only (finish reasons also <c>reason</c>, request
/// ends <c>outcome</c>), never anything per request.
/// </summary>
/// <remarks>Instruments: <c>kazgrpc.generation.time_to_first_token</c>,
/// <c>kazgrpc.generation.inter_token_latency</c>, <c>kazgrpc.generation.e2e_duration</c> and
/// <c>kazgrpc.generation.queue_duration</c> (s, histograms); <c>kazgrpc.generation.prompt_tokens</c>
/// and <c>kazgrpc.generation.generated_tokens</c> (counters); <c>kazgrpc.generation.finished</c>
/// (by <c>reason</c>: length, stop, eos, aborted) and <c>kazgrpc.generation.requests</c> (by
/// <c>outcome</c>); gauges <c>kazgrpc.generation.running</c>, <c>kazgrpc.generation.waiting</c> and
/// <c>kazgrpc.generation.kv_usage</c> (ratio) for every engine given to <see cref="Track"/>. The
/// meter belongs to the caller, who disposes it.</remarks>
public sealed class GenerationMetrics : IGenerationObserver
{
    private readonly Histogram<double> _timeToFirstToken;
    private readonly Histogram<double> _interTokenLatency;
    private readonly Histogram<double> _e2e;
    private readonly Histogram<double> _queue;
    private readonly Counter<long> _promptTokens;
    private readonly Counter<long> _generatedTokens;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _requests;
    private readonly ConcurrentDictionary<string, Func<GenerationEngineStatus>> _engines = new(StringComparer.Ordinal);

    /// <summary>Creates the instruments on <paramref name="meter"/>.</summary>
    public GenerationMetrics(Meter meter)
    {
        ArgumentNullException.ThrowIfNull(meter);
        _timeToFirstToken = meter.CreateHistogram<double>("kazgrpc.generation.time_to_first_token", "s", "From a request's arrival to its first generated token.");
        _interTokenLatency = meter.CreateHistogram<double>("kazgrpc.generation.inter_token_latency", "s", "Between consecutive tokens of one sequence.");
        _e2e = meter.CreateHistogram<double>("kazgrpc.generation.e2e_duration", "s", "From a request's arrival to its end.");
        _queue = meter.CreateHistogram<double>("kazgrpc.generation.queue_duration", "s", "Time a request waited for a KV slot.");
        _promptTokens = meter.CreateCounter<long>("kazgrpc.generation.prompt_tokens", "{token}", "Prompt tokens admitted.");
        _generatedTokens = meter.CreateCounter<long>("kazgrpc.generation.generated_tokens", "{token}", "Tokens generated.");
        _finished = meter.CreateCounter<long>("kazgrpc.generation.finished", "{request}", "Generations that finished, by reason.");
        _requests = meter.CreateCounter<long>("kazgrpc.generation.requests", "{request}", "Requests that left an engine, by outcome.");
        meter.CreateObservableGauge("kazgrpc.generation.running", () => Observe(s => s.Running), "{request}", "Sequences holding a KV slot.");
        meter.CreateObservableGauge("kazgrpc.generation.waiting", () => Observe(s => s.Waiting), "{request}", "Requests waiting for a KV slot.");
        meter.CreateObservableGauge("kazgrpc.generation.kv_usage", () => Observe(s => s.KvUsage), "1", "Share of the KV cache's positions in use.");
    }

    /// <summary>Reports <paramref name="status"/> in the gauges under <paramref name="model"/>, replacing an earlier engine of that name.</summary>
    public void Track(string model, Func<GenerationEngineStatus> status) => _engines[model] = status;

    /// <summary>Stops reporting <paramref name="model"/>'s gauges.</summary>
    public void Untrack(string model) => _engines.TryRemove(model, out _);

    /// <inheritdoc />
    public void Admitted(string model, int promptTokens, TimeSpan queueTime)
    {
        var tag = ModelTag(model);
        _queue.Record(queueTime.TotalSeconds, tag);
        _promptTokens.Add(promptTokens, tag);
    }

    /// <inheritdoc />
    public void FirstToken(string model, TimeSpan timeToFirstToken)
    {
        var tag = ModelTag(model);
        _timeToFirstToken.Record(timeToFirstToken.TotalSeconds, tag);
        _generatedTokens.Add(1, tag);
    }

    /// <inheritdoc />
    public void NextToken(string model, TimeSpan interTokenLatency)
    {
        var tag = ModelTag(model);
        _interTokenLatency.Record(interTokenLatency.TotalSeconds, tag);
        _generatedTokens.Add(1, tag);
    }

    /// <inheritdoc />
    public void Completed(string model, GenerationOutcome outcome, GenerationResult? result)
    {
        var tag = ModelTag(model);
        _requests.Add(1, tag, new KeyValuePair<string, object?>("outcome", OutcomeTag(outcome)));
        if (result is not null)
        {
            _e2e.Record(result.TotalTime.TotalSeconds, tag);
            _finished.Add(1, tag, new KeyValuePair<string, object?>("reason", ReasonTag(result.FinishReason)));
        }
    }

    /// <summary>The <c>reason</c> tag value of <paramref name="reason"/>.</summary>
    public static string ReasonTag(FinishReason reason) => reason switch
    {
        FinishReason.Length => "length",
        FinishReason.StopSequence => "stop",
        FinishReason.Eos => "eos",
        FinishReason.Aborted => "aborted",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>The <c>outcome</c> tag value of <paramref name="outcome"/>.</summary>
    public static string OutcomeTag(GenerationOutcome outcome) => outcome switch
    {
        GenerationOutcome.Finished => "finished",
        GenerationOutcome.Cancelled => "cancelled",
        GenerationOutcome.Deadline => "deadline",
        GenerationOutcome.Failed => "failed",
        GenerationOutcome.Stopped => "stopped",
        _ => throw new ArgumentOutOfRangeException(nameof(outcome), outcome, null),
    };

    private static KeyValuePair<string, object?> ModelTag(string model) => new("model", model);

    private IEnumerable<Measurement<T>> Observe<T>(Func<GenerationEngineStatus, T> value)
        where T : struct
    {
        foreach (var (model, status) in _engines)
        {
            yield return new Measurement<T>(value(status()), ModelTag(model));
        }
    }
}
