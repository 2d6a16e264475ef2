using System.Diagnostics;
using System.Threading.Channels;
using KazGrpc.Core;

namespace KazGrpc.Generation;

/// <summary>
/// One submitted request as its caller sees it: tokens as they are generated, then the result.
/// <see cref="Tokens"/> completes when generation ends (with the error when it fails);
/// <see cref="Completion"/> then gives the result. The engine owns the rest of its state.
/// </summary>
public sealed class GenerationSequence
{
    private readonly Channel<SampledToken> _tokens = Channel.CreateUnbounded<SampledToken>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = true, AllowSynchronousContinuations = false });

    private readonly TaskCompletionSource<GenerationResult> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Action _wake;
    private int _stopReason;
    private CancellationTokenRegistration _cancellation;

    internal GenerationSequence(GenerationRequest request, int level, long arrival, DateTimeOffset expiry, long order, Action wake)
    {
        Request = request;
        PromptIds = request.PromptIds as int[] ?? [.. request.PromptIds];
        BannedBeforeMinimum = request.Stopping.MinNewTokens == 0
            ? []
            : [.. (request.Stopping.IgnoreEos ? [] : request.Stopping.EosTokenIds).Concat(request.Stopping.StopTokenIds).Distinct()];
        Level = level;
        Arrival = arrival;
        Expiry = expiry;
        Order = order;
        _wake = wake;
    }

    /// <summary>The request's id.</summary>
    public string RequestId => Request.RequestId;

    /// <summary>Tokens of the prompt.</summary>
    public int PromptTokens => Request.PromptIds.Count;

    /// <summary>The generated tokens, in order. Completes when generation ends; completes with the
    /// error when the request fails (an <see cref="OperationCanceledException"/> when cancelled).</summary>
    public ChannelReader<SampledToken> Tokens => _tokens.Reader;

    /// <summary>The result, once generation has ended.</summary>
    public Task<GenerationResult> Completion => _completion.Task;

    /// <summary>Whether the sequence has not ended yet.</summary>
    public bool IsRunning => !_completion.Task.IsCompleted;

    internal GenerationRequest Request { get; }

    internal int[] PromptIds { get; }

    // Ids that cannot be generated before the request's minimum number of tokens.
    internal int[] BannedBeforeMinimum { get; }

    internal int Level { get; }

    internal long Arrival { get; }

    internal DateTimeOffset Expiry { get; }

    internal long Order { get; }

    internal CancellationToken CancellationToken { get; private set; }

    /// <summary>Asks the engine to end the sequence at its next step with <paramref name="reason"/>
    /// (<see cref="FinishReason.Aborted"/> for Abort, <see cref="FinishReason.StopSequence"/> when the
    /// caller found a stop string). Tokens generated meanwhile are still delivered. Returns false
    /// when the sequence had already ended or been asked to stop.</summary>
    public bool Stop(FinishReason reason)
    {
        if (!IsRunning || Interlocked.CompareExchange(ref _stopReason, (int)reason, 0) != 0)
        {
            return false;
        }

        _wake();
        return true;
    }

    // The loop's view of the sequence; touched only by the engine's thread.
    internal int Row { get; set; } = -1;

    internal int Length { get; set; }

    internal int Prefilled { get; set; }

    internal int LastToken { get; set; }

    internal int Generated { get; set; }

    internal long AdmittedAt { get; set; }

    internal long LastTokenAt { get; set; }

    internal long FirstTokenAt { get; set; }

    internal FinishReason? Finished { get; set; }

    internal Exception? Error { get; set; }

    internal TokenSampler? Sampler { get; set; }

    internal FinishReason? RequestedStop => _stopReason == 0 ? null : (FinishReason)Volatile.Read(ref _stopReason);

    // The request's spans (see GenerationEngine); the queue span is started by the submitting
    // thread before the engine sees the sequence, the rest by the engine's thread.
    internal bool Traced { get; private set; }

    internal int PrefillChunks { get; set; }

    internal int LargestDecodeBatch { get; set; }

    internal int DecodeSteps { get; set; }

    private ActivityContext _parent;
    private Activity? _queueSpan;
    private Activity? _prefillSpan;
    private Activity? _decodeSpan;

    internal void StartQueueSpan(ActivitySource source, string model)
    {
        _parent = Activity.Current?.Context ?? default;
        _queueSpan = source.StartDetached("kazgrpc.generation.queue", ActivityKind.Internal, _parent);
        _queueSpan?.SetTag("kazgrpc.model", model);
        _queueSpan?.SetTag("kazgrpc.priority", Level);

        // A request the sampler dropped costs the engine nothing more (its later spans share this parent).
        Traced = _queueSpan is not null;
    }

    /// <summary>A decode step over <paramref name="batch"/> rows gave this sequence a position; on the
    /// engine's row pass, so that tracing adds no pass of its own.</summary>
    internal void StepDecoded(int batch)
    {
        Length++;
        if (Traced)
        {
            DecodeSteps++;
            LargestDecodeBatch = Math.Max(LargestDecodeBatch, batch);
        }
    }

    internal void StartPrefillSpan(ActivitySource source, string model)
    {
        _queueSpan.StopDetached();
        _queueSpan = null;
        _prefillSpan = source.StartDetached("kazgrpc.generation.prefill", ActivityKind.Internal, _parent);
        _prefillSpan?.SetTag("kazgrpc.model", model);
        _prefillSpan?.SetTag("kazgrpc.prompt_tokens", PromptTokens);
    }

    internal void StartDecodeSpan(ActivitySource source, string model)
    {
        EndPrefillSpan();
        _decodeSpan = source.StartDetached("kazgrpc.generation.decode", ActivityKind.Internal, _parent);
        _decodeSpan?.SetTag("kazgrpc.model", model);
    }

    /// <summary>Ends whichever spans are open as the sequence leaves the engine, with <paramref name="error"/> when it failed.</summary>
    internal void EndSpans(Exception? error)
    {
        var errorType = error?.GetType().Name;
        if (_queueSpan is { } queue)
        {
            queue.SetError(errorType ?? "StoppedBeforeAdmission");
            queue.StopDetached();
            _queueSpan = null;
        }

        if (_prefillSpan is { } prefill)
        {
            prefill.SetError(errorType ?? "StoppedDuringPrefill");
            EndPrefillSpan();
        }

        if (_decodeSpan is { } decode)
        {
            decode.SetTag("kazgrpc.generated_tokens", Generated);
            decode.SetTag("kazgrpc.decode.steps", DecodeSteps);
            decode.SetTag("kazgrpc.decode.largest_batch", LargestDecodeBatch);
            decode.SetTag("kazgrpc.finish_reason", (Finished ?? RequestedStop ?? FinishReason.Aborted).ToString());
            if (errorType is not null)
            {
                decode.SetError(errorType);
            }

            decode.StopDetached();
            _decodeSpan = null;
        }

        Traced = false;
    }

    private void EndPrefillSpan()
    {
        _prefillSpan?.SetTag("kazgrpc.prefill.chunks", PrefillChunks);
        _prefillSpan.StopDetached();
        _prefillSpan = null;
    }

    internal void Watch(CancellationToken cancellationToken)
    {
        CancellationToken = cancellationToken;
        if (cancellationToken.CanBeCanceled)
        {
            _cancellation = cancellationToken.Register(static state => ((GenerationSequence)state!)._wake(), this);
        }
    }

    internal void Emit(SampledToken token) => _tokens.Writer.TryWrite(token);

    internal void Succeed(GenerationResult result)
    {
        _cancellation.Dispose();
        _tokens.Writer.TryComplete();
        _completion.TrySetResult(result);
    }

    internal void Fail(Exception error)
    {
        _cancellation.Dispose();
        _tokens.Writer.TryComplete(error);
        if (error is OperationCanceledException cancelled)
        {
            _completion.TrySetCanceled(cancelled.CancellationToken);
        }
        else
        {
            _completion.TrySetException(error);
        }
    }
}
