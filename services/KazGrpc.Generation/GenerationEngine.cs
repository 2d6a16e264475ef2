using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using KazGrpc.Core;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Generation;

/// <summary>
/// Continuous batching for one decoder. One thread owns the schedule: each step it retires
/// sequences that finished, were stopped or whose caller left (keeping running KV rows dense), runs
/// one decode over every running row, then prefills waiting prompts in chunks under
/// <see cref="GenerationEngineOptions.PrefillTokensPerStep"/>, so running sequences keep their pace
/// while a long prompt arrives. A request waits in a priority queue until a KV row is free; the row
/// holds its whole context, so admission never exceeds the cache.
/// </summary>
/// <remarks>
/// Traces (when a source is given and something listens to it): each request gets, under the
/// caller's current activity when it was submitted, a <c>kazgrpc.generation.queue</c> span (the wait
/// for a KV row), a <c>kazgrpc.generation.prefill</c> span (admission to the end of its prompt,
/// however many chunks and steps that takes) and one <c>kazgrpc.generation.decode</c> span (first
/// token to the end) whose attributes sum up its steps: no span or event per token.
/// </remarks>
public sealed class GenerationEngine : IAsyncDisposable
{
    private static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(1);

    private readonly string _model;
    private readonly IStepModel _step;
    private readonly GenerationEngineOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IGenerationObserver? _observer;
    private readonly ActivitySource? _tracing;
    private readonly ConcurrentQueue<GenerationSequence> _inbox = new();
    private readonly List<GenerationSequence>[] _queues;
    private readonly GenerationSequence?[] _rows;
    private readonly int[] _stepTokens;
    private readonly int[] _stepLengths;
    private readonly ThreadLocal<float[]> _workspaces;
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Thread _thread;
    private readonly List<(GenerationSequence Sequence, Exception? Error)> _retired = [];
    private int _signalled;
    private int _waiting;
    private long _order;
    private int _decoding;
    private GenerationSequence? _prefilling;
    private StrongBox<GenerationEngineStatus> _status;

    /// <summary>Starts the engine's thread.</summary>
    /// <param name="model">The model's name, for logs and metrics.</param>
    /// <param name="step">The model; the engine calls it from its own thread only. The caller disposes it after the engine.</param>
    /// <param name="options">Scheduling settings, validated here and copied.</param>
    /// <param name="time">Clock of queue timeouts and timings.</param>
    /// <param name="logger">Where failures are logged.</param>
    /// <param name="observer">Receives what the engine does; null for none.</param>
    /// <param name="tracing">The service's source of queue, prefill and decode spans; null for none. The caller disposes it.</param>
    public GenerationEngine(
        string model, IStepModel step, GenerationEngineOptions options, TimeProvider time, ILogger logger, IGenerationObserver? observer = null, ActivitySource? tracing = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(model);
        ArgumentNullException.ThrowIfNull(step);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _model = model;
        _step = step;
        _options = options.Snapshot();
        _time = time;
        _logger = logger;
        _observer = observer;
        _tracing = tracing;
        _queues = [.. Enumerable.Range(0, _options.PriorityLevels).Select(_ => new List<GenerationSequence>())];
        _rows = new GenerationSequence?[step.MaxSlots];
        _stepTokens = new int[step.MaxSlots];
        _stepLengths = new int[step.MaxSlots];
        _workspaces = new ThreadLocal<float[]>(() => new float[step.VocabSize]);
        _status = new(new GenerationEngineStatus(step.MaxSlots, 0, 0, 0, (long)step.MaxSlots * step.MaxSequenceLength));
        _thread = new Thread(Run) { IsBackground = true, Name = $"kazgrpc-generation-{model}" };
        _thread.Start();
    }

    /// <summary>What the engine holds now.</summary>
    public GenerationEngineStatus Status => _status.Value with { Waiting = Volatile.Read(ref _waiting) };

    /// <summary>
    /// Queues a request. Throws <see cref="RequestValidationException"/> when its prompt and
    /// <see cref="StoppingCriteria.MaxNewTokens"/> could never fit one KV row, and
    /// <see cref="OverloadedException"/> when the queue is full. Cancelling
    /// <paramref name="cancellationToken"/> ends the sequence at the engine's next step and frees its row.
    /// </summary>
    public GenerationSequence Submit(GenerationRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        var promptTokens = request.PromptIds.Count;
        ArgumentOutOfRangeException.ThrowIfZero(promptTokens, nameof(request));
        var maxNew = request.Stopping.MaxNewTokens;
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNew, 1, nameof(request));
        if ((long)promptTokens + maxNew > _step.MaxSequenceLength)
        {
            throw new RequestValidationException(
                "max_new_tokens",
                $"prompt has {promptTokens:N0} tokens and max_new_tokens is {maxNew:N0}; together they must be <= {_step.MaxSequenceLength:N0} (the positions of one KV cache slot of model {_model})");
        }

        var level = request.Priority == 0 ? _options.DefaultPriorityLevel : request.Priority;
        ArgumentOutOfRangeException.ThrowIfGreaterThan(level, _options.PriorityLevels, nameof(request));
        while (true)
        {
            var waiting = Volatile.Read(ref _waiting);
            if (waiting >= _options.MaxQueueSize)
            {
                throw new OverloadedException(
                    $"the generation queue of model {_model} is full: {waiting:N0} requests wait for a KV slot (limit {_options.MaxQueueSize:N0})", RetryAfter);
            }

            if (Interlocked.CompareExchange(ref _waiting, waiting + 1, waiting) == waiting)
            {
                break;
            }
        }

        var now = _time.GetUtcNow();
        var expiry = now + _options.DefaultQueueTimeout;
        if (request.Deadline is { } deadline && deadline < expiry)
        {
            expiry = deadline;
        }

        GenerationSequence sequence;
        try
        {
            sequence = new GenerationSequence(request, level, _time.GetTimestamp(), expiry, Interlocked.Increment(ref _order), Wake);
            sequence.Sampler = new TokenSampler(request.Sampling, sequence.PromptIds, _step.VocabSize);
        }
        catch
        {
            Interlocked.Decrement(ref _waiting);
            throw;
        }

        if (_tracing is not null && _tracing.HasListeners())
        {
            sequence.StartQueueSpan(_tracing, _model);
        }

        sequence.Watch(cancellationToken);
        _inbox.Enqueue(sequence);
        Wake();
        return sequence;
    }

    /// <summary>Stops the engine's thread; sequences still queued or running fail with <see cref="NotReadyException"/>.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_stopping.IsCancellationRequested)
        {
            await _stopping.CancelAsync().ConfigureAwait(false);
        }

        Wake();
        await _stopped.Task.ConfigureAwait(false);

        // A request submitted while the loop was stopping is failed here.
        StopAll();
        _wake.Dispose();
        _workspaces.Dispose();
        _stopping.Dispose();
    }

    private void Wake()
    {
        if (Interlocked.Exchange(ref _signalled, 1) == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (ObjectDisposedException)
            {
                // The engine has stopped; there is nothing left to wake.
            }
        }
    }

    private void Run()
    {
        try
        {
            while (!_stopping.IsCancellationRequested)
            {
                Volatile.Write(ref _signalled, 0);
                DrainInbox();
                ExpireQueued();
                Retire();
                var decodeRows = _decoding > 0 ? Decode() : 0;
                var prefillTokens = Prefill();
                PublishStatus();
                if (decodeRows > 0 || prefillTokens > 0)
                {
                    continue;
                }

                _wake.Wait(_stopping.Token);
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            GenerationLog.LoopCrashed(_logger, ex, _model);
        }
        finally
        {
            StopAll();
            _stopped.TrySetResult();
        }
    }

    private void DrainInbox()
    {
        while (_inbox.TryDequeue(out var sequence))
        {
            _queues[sequence.Level - 1].Add(sequence);
        }
    }

    private void ExpireQueued()
    {
        var now = _time.GetUtcNow();
        foreach (var queue in _queues)
        {
            for (var i = queue.Count - 1; i >= 0; i--)
            {
                var sequence = queue[i];
                Exception? error = null;
                if (sequence.CancellationToken.IsCancellationRequested)
                {
                    error = new OperationCanceledException(sequence.CancellationToken);
                }
                else if (sequence.RequestedStop is null && now >= sequence.Expiry)
                {
                    error = new DeadlineExceededException(
                        $"the request waited {_time.GetElapsedTime(sequence.Arrival).TotalSeconds:0.###} s for a KV slot of model {_model}; its deadline passed before it could start");
                }
                else if (sequence.RequestedStop is null)
                {
                    continue;
                }

                queue.RemoveAt(i);
                Interlocked.Decrement(ref _waiting);
                _retired.Add((sequence, error));
            }
        }

        CompleteRetired();
    }

    private void Retire()
    {
        if (_prefilling is { } partial && ShouldRetire(partial))
        {
            _rows[partial.Row] = null;
            _prefilling = null;
            _retired.Add((partial, RetireError(partial)));
        }

        for (var i = _decoding - 1; i >= 0; i--)
        {
            var sequence = _rows[i]!;
            if (!ShouldRetire(sequence))
            {
                continue;
            }

            _retired.Add((sequence, RetireError(sequence)));
            var last = _decoding - 1;
            if (i != last)
            {
                var moved = _rows[last]!;
                _step.MoveSlot(last, i, moved.Length);
                _rows[i] = moved;
                moved.Row = i;
            }

            _rows[last] = null;
            _decoding--;
        }

        if (_retired.Count > 0)
        {
            PublishStatus();
            CompleteRetired();
        }
    }

    private static bool ShouldRetire(GenerationSequence sequence) =>
        sequence.Finished is not null || sequence.Error is not null || sequence.RequestedStop is not null || sequence.CancellationToken.IsCancellationRequested;

    private static Exception? RetireError(GenerationSequence sequence) =>
        sequence.Error ?? (sequence.Finished is null && sequence.CancellationToken.IsCancellationRequested ? new OperationCanceledException(sequence.CancellationToken) : null);

    private void CompleteRetired()
    {
        if (_retired.Count == 0)
        {
            return;
        }

        var now = _time.GetTimestamp();
        foreach (var (sequence, error) in _retired)
        {
            if (sequence.Traced)
            {
                sequence.EndSpans(error);
            }

            if (error is not null)
            {
                sequence.Fail(error);
                _observer?.Completed(_model, error switch
                {
                    OperationCanceledException => GenerationOutcome.Cancelled,
                    DeadlineExceededException => GenerationOutcome.Deadline,
                    NotReadyException => GenerationOutcome.Stopped,
                    _ => GenerationOutcome.Failed,
                }, null);
                continue;
            }

            var reason = sequence.Finished ?? sequence.RequestedStop ?? FinishReason.Aborted;
            var admitted = sequence.AdmittedAt == 0 ? now : sequence.AdmittedAt;
            var result = new GenerationResult(
                reason,
                sequence.PromptTokens,
                sequence.Generated,
                _time.GetElapsedTime(sequence.Arrival, admitted),
                sequence.FirstTokenAt == 0 ? null : _time.GetElapsedTime(sequence.Arrival, sequence.FirstTokenAt),
                _time.GetElapsedTime(sequence.Arrival, now));
            sequence.Succeed(result);
            GenerationLog.Finished(_logger, sequence.RequestId, _model, reason, sequence.Generated);
            _observer?.Completed(_model, GenerationOutcome.Finished, result);
        }

        _retired.Clear();
    }

    private int Decode()
    {
        var count = _decoding;
        for (var i = 0; i < count; i++)
        {
            var sequence = _rows[i]!;
            _stepTokens[i] = sequence.LastToken;
            _stepLengths[i] = sequence.Length;
        }

        ReadOnlyMemory<float> logits;
        try
        {
            logits = _step.Decode(_stepTokens.AsSpan(0, count), _stepLengths.AsSpan(0, count));
        }
        catch (Exception ex)
        {
            GenerationLog.StepFailed(_logger, ex, _model, count);
            var error = new ExecutionFailedException($"a decode step of model {_model} failed: {ex.Message}", ex);
            for (var i = 0; i < count; i++)
            {
                _retired.Add((_rows[i]!, error));
                _rows[i] = null;
            }

            _decoding = 0;
            if (_prefilling is { } partial && partial.Row != 0)
            {
                _step.MoveSlot(partial.Row, 0, partial.Length);
                _rows[0] = partial;
                _rows[partial.Row] = null;
                partial.Row = 0;
            }

            CompleteRetired();
            return count;
        }

        var vocab = _step.VocabSize;
        var now = _time.GetTimestamp();
        if (count < _options.ParallelSamplingThreshold)
        {
            for (var i = 0; i < count; i++)
            {
                var sequence = _rows[i]!;
                sequence.StepDecoded(count);
                Sample(sequence, logits.Span.Slice(i * vocab, vocab), now);
            }
        }
        else
        {
            Parallel.For(0, count, i =>
            {
                var sequence = _rows[i]!;
                sequence.StepDecoded(count);
                Sample(sequence, logits.Span.Slice(i * vocab, vocab), now);
            });
        }

        return count;
    }

    private int Prefill()
    {
        var budget = _options.PrefillTokensPerStep;
        var used = 0;
        while (used < budget)
        {
            if (_prefilling is null && !Admit())
            {
                break;
            }

            var sequence = _prefilling!;
            var prompt = sequence.PromptIds;
            var chunk = Math.Min(budget - used, prompt.Length - sequence.Prefilled);
            ReadOnlyMemory<float> logits;
            try
            {
                logits = _step.Prefill(sequence.Row, sequence.Length, prompt.AsSpan(sequence.Prefilled, chunk));
            }
            catch (Exception ex)
            {
                GenerationLog.StepFailed(_logger, ex, _model, 1);
                _rows[sequence.Row] = null;
                _prefilling = null;
                _retired.Add((sequence, new ExecutionFailedException($"a prefill step of model {_model} failed: {ex.Message}", ex)));
                CompleteRetired();
                used += chunk;
                continue;
            }

            used += chunk;
            sequence.Prefilled += chunk;
            sequence.Length += chunk;
            sequence.PrefillChunks++;
            if (sequence.Prefilled < prompt.Length)
            {
                continue;
            }

            if (sequence.Traced)
            {
                sequence.StartDecodeSpan(_tracing!, _model);
            }

            // The prompt is in: the sequence joins the decoding rows, which stay dense.
            _prefilling = null;
            if (sequence.Row != _decoding)
            {
                _step.MoveSlot(sequence.Row, _decoding, sequence.Length);
                _rows[sequence.Row] = null;
                _rows[_decoding] = sequence;
                sequence.Row = _decoding;
            }

            _decoding++;
            Sample(sequence, logits.Span, _time.GetTimestamp());
        }

        return used;
    }

    private bool Admit()
    {
        if (_decoding >= _rows.Length)
        {
            return false;
        }

        GenerationSequence? next = null;
        foreach (var queue in _queues)
        {
            if (queue.Count > 0)
            {
                next = queue[0];
                queue.RemoveAt(0);
                break;
            }
        }

        if (next is null)
        {
            return false;
        }

        Interlocked.Decrement(ref _waiting);
        next.Row = _decoding;
        next.AdmittedAt = _time.GetTimestamp();
        _rows[next.Row] = next;
        _prefilling = next;
        if (next.Traced)
        {
            next.StartPrefillSpan(_tracing!, _model);
        }

        GenerationLog.Admitted(_logger, next.RequestId, _model, next.Row, next.PromptTokens);
        _observer?.Admitted(_model, next.PromptTokens, _time.GetElapsedTime(next.Arrival, next.AdmittedAt));
        return true;
    }

    // Chooses a sequence's next token from its logits row and delivers it, or marks why it ends.
    // Called for different sequences from several threads at once.
    private void Sample(GenerationSequence sequence, ReadOnlySpan<float> logits, long now)
    {
        var stopping = sequence.Request.Stopping;
        var banned = sequence.Generated < stopping.MinNewTokens ? sequence.BannedBeforeMinimum : [];
        SampledToken token;
        try
        {
            token = sequence.Sampler!.Sample(logits, banned, _workspaces.Value!);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            sequence.Error = new ExecutionFailedException($"sampling from model {_model}'s logits failed: {ex.Message}", ex);
            return;
        }

        var id = token.TokenId;
        if (!stopping.IgnoreEos && stopping.EosTokenIds.Contains(id))
        {
            sequence.Finished = FinishReason.Eos;
            return;
        }

        if (stopping.StopTokenIds.Contains(id))
        {
            sequence.Finished = FinishReason.StopSequence;
            return;
        }

        sequence.Sampler.Accept(id);
        sequence.LastToken = id;
        sequence.Generated++;
        if (sequence.FirstTokenAt == 0)
        {
            sequence.FirstTokenAt = now;
            _observer?.FirstToken(_model, _time.GetElapsedTime(sequence.Arrival, now));
        }
        else
        {
            _observer?.NextToken(_model, _time.GetElapsedTime(sequence.LastTokenAt, now));
        }

        sequence.LastTokenAt = now;
        sequence.Emit(token);
        if (sequence.Generated >= stopping.MaxNewTokens || sequence.Length >= _step.MaxSequenceLength)
        {
            sequence.Finished = FinishReason.Length;
        }
    }

    private void PublishStatus()
    {
        long used = 0;
        var running = _decoding;
        for (var i = 0; i < _decoding; i++)
        {
            used += _rows[i]!.Length;
        }

        if (_prefilling is { } partial)
        {
            used += partial.Length;
            running++;
        }

        _status = new(new GenerationEngineStatus(_rows.Length, running, 0, used, (long)_rows.Length * _step.MaxSequenceLength));
    }

    private void StopAll()
    {
        var error = new NotReadyException($"model {_model} is stopping");
        DrainInbox();
        foreach (var queue in _queues)
        {
            foreach (var sequence in queue)
            {
                Interlocked.Decrement(ref _waiting);
                _retired.Add((sequence, error));
            }

            queue.Clear();
        }

        for (var i = 0; i < _rows.Length; i++)
        {
            if (_rows[i] is { } sequence)
            {
                _retired.Add((sequence, error));
                _rows[i] = null;
            }
        }

        _decoding = 0;
        _prefilling = null;
        PublishStatus();
        CompleteRetired();
    }
}
