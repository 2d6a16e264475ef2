using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client;

/// <summary>
/// Merges concurrent Tokenize calls into shared calls before they reach the resilience pipeline, so
/// that the pipeline (timeout, retry, circuit breaker) runs once per message on the wire, not once
/// per caller. Calls that ask the same of the same tokenizer (<see cref="AskSame"/>)
/// and arrive while shared calls are outstanding go together, up to the message limits; a call that
/// finds nothing outstanding goes at once, alone.
/// </summary>
/// <remarks>
/// <para>Failures. A shared call that fails for a reason about the request (an in-band error such as
/// INVALID_ARGUMENT) is sent again for each of its callers alone, so that one bad text fails only its
/// own caller; one that fails because the tokenizer is unreachable fails all of them with that error.</para>
/// <para>Cancellation. A caller that cancels is answered at once and its share of the answer is
/// dropped; a shared call whose callers have all gone is not tried again.</para>
/// <para>Completions. With <c>inlineCompletions</c>, callers resume on the thread that splits the
/// answer, one after another, which saves a thread-pool hand-off per caller; only for callers whose
/// code after the await is short (inference-svc's: it queues the ids for the batcher).</para>
/// <para>Traces. A message carries one <c>traceparent</c>: that of the first caller in it with a
/// current activity, so tokenizer-svc's work joins that caller's trace. The spans of the other
/// callers it carries get a link to that span, and every one of them the tag
/// <c>kazgrpc.tokenizer.message_requests</c> (how many requests shared the message), when it is
/// recorded (<see cref="Activity.IsAllDataRequested"/>).</para>
/// </remarks>
internal sealed class TokenizeCoalescer(
    Func<TokenizeRequest, CancellationToken, Task<TokenizeResponse>> send, int maxTextsPerMessage, long maxBytesPerMessage, bool inlineCompletions)
{
    private readonly ConcurrentQueue<Call> _queue = new();
    private int _taking;
    private int _outstanding;
    private long _sent;
    private long _textsSent;

    /// <summary>Shared calls sent so far (a call sent alone counts once; a retry within the pipeline does not count).</summary>
    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Texts in the shared calls sent so far (counted as <see cref="Sent"/> counts calls).</summary>
    public long TextsSent => Interlocked.Read(ref _textsSent);

    /// <summary>Tokenizes <paramref name="request"/>, possibly in one call with others; the answer is its own, with its request id.</summary>
    public async Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var call = new Call(request, TextBytes(request), inlineCompletions);
        await using var registration = cancellationToken.Register(static (state, token) =>
        {
            var call = (Call)state!;
            call.TrySetCanceled(token);
            Volatile.Read(ref call.Share)?.Left(call);
        }, call).ConfigureAwait(false);
        Enqueue(call);
        return await call.Task.ConfigureAwait(false);
    }

    private void Enqueue(Call call)
    {
        _queue.Enqueue(call);
        if (Interlocked.CompareExchange(ref _taking, 1, 0) == 0)
        {
            _ = TakeAsync();
        }
    }

    /// <summary>Sends what is queued while holding the turn (<c>_taking</c> is 1).</summary>
    private async Task TakeAsync()
    {
        while (true)
        {
            if (maxTextsPerMessage > 1 && Volatile.Read(ref _outstanding) > 0)
            {
                // Under load, let the calls that are about to arrive reach the queue first, so that
                // they share the next call instead of each paying for the pipeline.
                await Task.Yield();
            }

            while (NextShare() is { } share)
            {
                _ = SendAsync(share);
            }

            Volatile.Write(ref _taking, 0);
            if (_queue.IsEmpty || Interlocked.CompareExchange(ref _taking, 1, 0) != 0)
            {
                return;
            }
        }
    }

    /// <summary>The oldest live call and those after it that may share its message.</summary>
    private Call[]? NextShare()
    {
        Call? first;
        do
        {
            if (!_queue.TryDequeue(out first))
            {
                return null;
            }
        }
        while (first.Task.IsCompleted);

        if (first.Alone)
        {
            return [first];
        }

        List<Call> calls = [first];
        var texts = first.Request.Texts.Count;
        var bytes = first.TextBytes;
        while (_queue.TryPeek(out var next)
            && (next.Task.IsCompleted
                || (!next.Alone && Fits(texts, bytes, next.Request.Texts.Count, next.TextBytes, maxTextsPerMessage, maxBytesPerMessage)
                    && AskSame(first.Request, next.Request)))
            && _queue.TryDequeue(out next))
        {
            if (!next.Task.IsCompleted)
            {
                calls.Add(next);
                texts += next.Request.Texts.Count;
                bytes += next.TextBytes;
            }
        }

        return [.. calls];
    }

    private async Task SendAsync(Call[] calls)
    {
        Interlocked.Increment(ref _outstanding);
        Interlocked.Increment(ref _sent);
        using var share = new Share(calls);
        try
        {
            var request = calls[0].Request;
            if (calls.Length > 1)
            {
                request = request.Clone();
                request.RequestId = string.Empty;
                for (var i = 1; i < calls.Length; i++)
                {
                    request.Texts.Add(calls[i].Request.Texts);
                }
            }

            request = Traced(request, calls);

            Interlocked.Add(ref _textsSent, request.Texts.Count);

            TokenizeResponse response;
            try
            {
                response = await send(request, share.Abandoned).ConfigureAwait(false);
            }
            catch (RpcException ex) when (calls.Length > 1 && ex.StatusCode is not (StatusCode.Unavailable or StatusCode.Cancelled) && !share.Abandoned.IsCancellationRequested)
            {
                // Which text was at fault is not known: each caller's request goes again, on its own.
                foreach (var call in calls)
                {
                    call.Alone = true;
                    Enqueue(call);
                }

                return;
            }
            catch (Exception ex)
            {
                foreach (var call in calls)
                {
                    call.TrySetException(ex);
                }

                return;
            }

            if (calls.Length == 1)
            {
                response.RequestId = calls[0].Request.RequestId;
                calls[0].TrySetResult(response);
                return;
            }

            TokenizeResponse[] shares;
            try
            {
                shares = Split(response, [.. calls.Select(c => c.Request)]);
            }
            catch (RpcException ex)
            {
                foreach (var call in calls)
                {
                    call.TrySetException(ex);
                }

                return;
            }

            for (var i = 0; i < calls.Length; i++)
            {
                calls[i].TrySetResult(shares[i]);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _outstanding);
        }
    }

    /// <summary>
    /// <paramref name="request"/> carrying the trace of the first of <paramref name="calls"/> with a
    /// current activity (a copy: the caller's message is left as it was), unless it names one
    /// already; the other traced calls link to that span. Without traced calls, the request itself.
    /// </summary>
    private static TokenizeRequest Traced(TokenizeRequest request, Call[] calls)
    {
        Activity? owner = null;
        foreach (var call in calls)
        {
            if (call.Trace is { } trace)
            {
                owner ??= trace;

                // A span the sampler dropped still propagates its trace but records nothing: a link
                // and a boxed tag on it would only allocate, once per caller per message.
                if (!trace.IsAllDataRequested)
                {
                    continue;
                }

                if (!ReferenceEquals(trace, owner))
                {
                    trace.AddLink(new ActivityLink(owner.Context));
                }

                if (calls.Length > 1)
                {
                    trace.SetTag("kazgrpc.tokenizer.message_requests", calls.Length);
                }
            }
        }

        var traceparent = TraceContext.Traceparent(owner);
        if (traceparent.Length == 0 || request.Traceparent.Length > 0)
        {
            return request;
        }

        if (calls.Length == 1)
        {
            request = request.Clone();
        }

        request.Traceparent = traceparent;
        return request;
    }

    /// <summary>Bytes of text of <paramref name="request"/>: UTF-16 length × 3, an upper bound of its UTF-8.</summary>
    private static long TextBytes(TokenizeRequest request)
    {
        long bytes = 0;
        foreach (var text in request.Texts)
        {
            bytes += text.Length;
        }

        return bytes * 3;
    }

    /// <summary>
    /// Whether <paramref name="next"/> asks the same of the same tokenizer as <paramref name="first"/>:
    /// every TokenizeRequest field but texts, request_id and traceparent, which are each caller's own
    /// (a field added to the message must be added here, which a test checks).
    /// </summary>
    internal static bool AskSame(TokenizeRequest first, TokenizeRequest next) =>
        first.AddSpecialTokens == next.AddSpecialTokens && first.ReturnOffsets == next.ReturnOffsets && first.MaxTokens == next.MaxTokens
        && first.AllowSpecialTokens == next.AllowSpecialTokens && first.InputScript == next.InputScript
        && first.SensitiveNumbers == next.SensitiveNumbers && first.ReturnSensitiveSpans == next.ReturnSensitiveSpans
        && string.Equals(first.Tokenizer, next.Tokenizer, StringComparison.Ordinal);

    /// <summary>Whether a request of <paramref name="texts"/> texts and <paramref name="bytes"/> bytes fits beside
    /// a message that has <paramref name="messageTexts"/> and <paramref name="messageBytes"/> so far.</summary>
    private static bool Fits(int messageTexts, long messageBytes, int texts, long bytes, int maxTexts, long maxBytes) =>
        maxTexts > 1 && messageTexts + texts <= maxTexts && messageBytes + bytes <= maxBytes;

    /// <summary>
    /// Splits the answer to a merged message back into one answer per request, in order, each with
    /// its own request id; throws INTERNAL when the answer does not hold one result per text.
    /// </summary>
    private static TokenizeResponse[] Split(TokenizeResponse response, IReadOnlyList<TokenizeRequest> requests)
    {
        var expected = requests.Sum(r => r.Texts.Count);
        if (response.Results.Count != expected)
        {
            throw new RpcException(new Status(StatusCode.Internal,
                $"tokenizer-svc answered {response.Results.Count} results to a request of {expected} texts"));
        }

        var shares = new TokenizeResponse[requests.Count];
        var next = 0;
        for (var r = 0; r < requests.Count; r++)
        {
            var share = new TokenizeResponse { RequestId = requests[r].RequestId };
            for (var i = 0; i < requests[r].Texts.Count; i++)
            {
                share.Results.Add(response.Results[next++]);
            }

            shares[r] = share;
        }

        return shares;
    }

    /// <summary>One caller's request, waiting for its share of an answer.</summary>
    private sealed class Call(TokenizeRequest request, long textBytes, bool inline)
        : TaskCompletionSource<TokenizeResponse>(inline ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private int _left;

        public TokenizeRequest Request { get; } = request;

        public long TextBytes { get; } = textBytes;

        /// <summary>The caller's span when it called (<see cref="Activity.Current"/>), whose trace the message carries.</summary>
        public Activity? Trace { get; } = Activity.Current;

        /// <summary>Set when a shared call failed for a reason about the request: this one goes again, alone.</summary>
        public bool Alone { get; set; }

        /// <summary>The shared call this request is in, while it is sent.</summary>
        public Share? Share;

        /// <summary>True the first time it is called: the caller is counted as gone once.</summary>
        public bool Leave() => Interlocked.Exchange(ref _left, 1) == 0;
    }

    /// <summary>
    /// The callers of one shared call: when every one of them has gone (cancelled), <see cref="Abandoned"/>
    /// is cancelled, so that the pipeline stops retrying for nobody.
    /// </summary>
    private sealed class Share : IDisposable
    {
        private readonly Call[] _calls;
        private readonly CancellationTokenSource _abandoned = new();
        private int _live;

        public Share(Call[] calls)
        {
            _calls = calls;
            _live = calls.Length;
            foreach (var call in calls)
            {
                Volatile.Write(ref call.Share, this);
            }

            // Those cancelled before they joined left no count behind: count them now.
            foreach (var call in calls)
            {
                if (call.Task.IsCanceled)
                {
                    Left(call);
                }
            }
        }

        public CancellationToken Abandoned => _abandoned.Token;

        public void Left(Call call)
        {
            if (call.Leave() && Interlocked.Decrement(ref _live) == 0)
            {
                try
                {
                    _abandoned.Cancel();
                }
                catch (ObjectDisposedException)
                {
                    // The shared call ended while its last caller was leaving: nothing left to stop.
                }
            }
        }

        public void Dispose()
        {
            foreach (var call in _calls)
            {
                // A caller sent again alone may already be in a later shared call: leave that one.
                Interlocked.CompareExchange(ref call.Share, null, this);
            }

            _abandoned.Dispose();
        }
    }
}
