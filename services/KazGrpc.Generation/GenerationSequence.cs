using System.Threading.Channels;

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
