using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client.Tests;

/// <summary>
/// <see cref="TokenizeCoalescer"/> sending to the real tokenizer-svc (unary Tokenize stands in for
/// the pipeline and the stream). Sends wait at a gate until a test opens it, and the callers that
/// should share a call are handed over while the coalescer's yield is held back (a deferring
/// synchronization context), so that which callers share does not depend on timing.
/// </summary>
[Collection(TokenizerServiceGroup.Name)]
public sealed class TokenizeCoalescerTests(TokenizerServiceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokenizeAsync_ConcurrentCalls_ShareOneSendAndEachGetsItsOwnAnswer()
    {
        var gate = new TextGate();
        var coalescer = new TokenizeCoalescer(SendThrough(gate), 256, 1 << 20, inlineCompletions: false);
        var requests = TokenizeCalls.Callers(40);

        var first = coalescer.TokenizeAsync(requests[0], Token);
        var others = Deferred.Run(() => requests.Skip(1).Select(r => coalescer.TokenizeAsync(r, Token)).ToList());
        gate.Open();
        var responses = await Task.WhenAll([first, .. others]);

        // The first went alone; all the others shared the next send.
        Assert.Equal([2, 2 * (requests.Count - 1)], gate.TextsPerMessage);
        Assert.Equal(2, coalescer.Sent);
        Assert.Equal(2 * requests.Count, coalescer.TextsSent);
        await TokenizeCalls.AssertEachAsUnaryAsync(fixture.Client, requests, responses, Token);
    }

    [Fact]
    public async Task TokenizeAsync_CallsThatAskDifferentThings_DoNotShare()
    {
        var gate = new TextGate();
        var coalescer = new TokenizeCoalescer(SendThrough(gate), 256, 1 << 20, inlineCompletions: false);
        TokenizeRequest[] requests =
        [
            new() { Tokenizer = "minilm", Texts = { "first" } },
            new() { Tokenizer = "minilm", Texts = { "a [SEP] b" } },
            new() { Tokenizer = "minilm", Texts = { "a [SEP] b" }, AllowSpecialTokens = true },
            new() { Tokenizer = "minilm", Texts = { "hello" }, AddSpecialTokens = true },
            new() { Tokenizer = "o200k_base", Texts = { "hello" }, AddSpecialTokens = true },
            new() { Tokenizer = "o200k_base", Texts = { "hello world" }, AddSpecialTokens = true, ReturnOffsets = true },
            new() { Tokenizer = "o200k_base", Texts = { "hello world" }, AddSpecialTokens = true, ReturnOffsets = true, MaxTokens = 1 },
            new() { Tokenizer = "o200k_base", Texts = { "and again" }, AddSpecialTokens = true, ReturnOffsets = true, MaxTokens = 1 },
        ];

        var first = coalescer.TokenizeAsync(requests[0], Token);
        var others = Deferred.Run(() => requests.Skip(1).Select(r => coalescer.TokenizeAsync(r, Token)).ToList());
        gate.Open();
        var responses = await Task.WhenAll([first, .. others]);

        Assert.Equal([1, 1, 1, 1, 1, 1, 2], gate.TextsPerMessage);
        await TokenizeCalls.AssertEachAsUnaryAsync(fixture.Client, requests, responses, Token);

        Assert.NotEqual(responses[1].Results[0].Ids, responses[2].Results[0].Ids);
    }

    [Fact]
    public async Task TokenizeAsync_TracedCallersShareASend_ItCarriesTheFirstsTraceAndTheOthersLinkToIt()
    {
        var requests = TokenizeCalls.Callers(3);
        var spans = requests.Select(_ => new Activity("caller")).ToList();

        var sent = await SendTracedAsync(requests, spans);

        Assert.Equal([spans[0].Id, spans[1].Id], sent.Select(r => r.Traceparent));
        Assert.Equal([1, 2], sent.Select(r => r.Texts.Count / 2));
        Assert.Empty(spans[1].Links);
        Assert.Equal(spans[1].SpanId, Assert.Single(spans[2].Links).Context.SpanId);
        Assert.Equal([null, 2, 2], spans.Select(s => s.GetTagItem("kazgrpc.tokenizer.message_requests")));
        Assert.All(requests, r => Assert.Empty(r.Traceparent));
    }

    [Fact]
    public async Task TokenizeAsync_SampledOutCallerSharesASend_ItsTraceIsCarriedButNothingRecordedOnIt()
    {
        var requests = TokenizeCalls.Callers(3);
        var spans = requests.Select(_ => new Activity("caller")).ToList();
        spans[1].IsAllDataRequested = false;

        var sent = await SendTracedAsync(requests, spans);

        Assert.Equal([spans[0].Id, spans[1].Id], sent.Select(r => r.Traceparent));
        Assert.Empty(spans[1].Links);
        Assert.Null(spans[1].GetTagItem("kazgrpc.tokenizer.message_requests"));
        Assert.Equal(spans[1].SpanId, Assert.Single(spans[2].Links).Context.SpanId);
        Assert.Equal(2, spans[2].GetTagItem("kazgrpc.tokenizer.message_requests"));
    }

    [Fact]
    public void AskSame_TokenizeRequestFields_AreTheOnesItKnows()
    {
        // Merging compares every field but texts, request_id and traceparent; a new field must join that comparison (TokenizeCoalescer.AskSame).
        Assert.Equal(
            [
                "tokenizer", "texts", "add_special_tokens", "return_offsets", "max_tokens", "request_id", "allow_special_tokens", "input_script",
                "sensitive_numbers", "return_sensitive_spans", "traceparent",
            ],
            TokenizeRequest.Descriptor.Fields.InFieldNumberOrder().Select(f => f.Name));
    }

    [Fact]
    public void AskSame_OtherInputScript_NotMerged()
    {
        var cyrillic = new TokenizeRequest { Tokenizer = "o200k_base", Texts = { "Сәлем" } };
        var latin = new TokenizeRequest { Tokenizer = "o200k_base", Texts = { "Sälem" }, InputScript = Script.Latin };

        Assert.True(TokenizeCoalescer.AskSame(cyrillic, cyrillic.Clone()));
        Assert.False(TokenizeCoalescer.AskSame(cyrillic, latin));
    }

    [Fact]
    public void AskSame_OtherSensitiveNumberPolicyOrSpans_NotMerged()
    {
        var allowed = new TokenizeRequest { Tokenizer = "o200k_base", Texts = { "ЖСН 880101300123" } };
        var masked = new TokenizeRequest { Tokenizer = "o200k_base", Texts = { "ЖСН 880101300123" }, SensitiveNumbers = SensitiveNumberPolicy.Mask };
        var spans = new TokenizeRequest { Tokenizer = "o200k_base", Texts = { "ЖСН 880101300123" }, ReturnSensitiveSpans = true };

        Assert.True(TokenizeCoalescer.AskSame(masked, masked.Clone()));
        Assert.False(TokenizeCoalescer.AskSame(allowed, masked));
        Assert.False(TokenizeCoalescer.AskSame(allowed, spans));
    }

    [Fact]
    public async Task TokenizeAsync_SharedSendWithABadText_FailsOnlyThatCaller()
    {
        var gate = new TextGate();
        var coalescer = new TokenizeCoalescer(SendThrough(gate), 256, long.MaxValue, inlineCompletions: true);
        var tooLong = new string('a', (1 << 20) + 1);
        TokenizeRequest[] requests =
        [
            new() { Tokenizer = "minilm", Texts = { "first" } },
            new() { Tokenizer = "minilm", Texts = { "before" } },
            new() { Tokenizer = "minilm", Texts = { "fine", tooLong } },
            new() { Tokenizer = "minilm", Texts = { "after" } },
        ];

        var first = coalescer.TokenizeAsync(requests[0], Token);
        var answers = Deferred.Run(() => requests.Skip(1).Select(r => coalescer.TokenizeAsync(r, Token)).ToList());
        gate.Open();

        var error = await Assert.ThrowsAsync<RpcException>(() => answers[1]);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("texts[1]", error.Status.Detail, StringComparison.Ordinal);
        await TokenizeCalls.AssertEachAsUnaryAsync(fixture.Client, [requests[0], requests[1], requests[3]], [await first, await answers[0], await answers[2]], Token);

        // first alone; the shared three; then each of them again on its own.
        Assert.Equal([1, 4, 1, 2, 1], gate.TextsPerMessage);

        // Each send and its texts count, the shared one and those sent again alone.
        Assert.Equal(5, coalescer.Sent);
        Assert.Equal(9, coalescer.TextsSent);
    }

    [Fact]
    public async Task TokenizeAsync_CancelledWhileQueued_IsNeverSent()
    {
        var gate = new TextGate();
        var coalescer = new TokenizeCoalescer(SendThrough(gate), 256, 1 << 20, inlineCompletions: false);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var first = coalescer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "first" } }, Token);
        Task<TokenizeResponse>? cancelled = null;
        Task<TokenizeResponse>? last = null;
        Deferred.Run(() =>
        {
            cancelled = coalescer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "cancelled" } }, cancel.Token);
            last = coalescer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "last" } }, Token);
            cancel.Cancel();
            return 0;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled!);
        gate.Open();
        await Task.WhenAll(first, last!);
        Assert.Equal([1, 1], gate.TextsPerMessage);
    }

    [Fact]
    public async Task TokenizeAsync_EveryCallerGone_AbandonsTheSharedSend()
    {
        var abandoned = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var sent = 0;
        async Task<TokenizeResponse> Hung(TokenizeRequest request, CancellationToken token)
        {
            Interlocked.Increment(ref sent);
            await using (token.Register(() => abandoned.TrySetResult()))
            {
                await Task.Delay(Timeout.Infinite, token);
            }

            throw new InvalidOperationException("unreachable");
        }

        var coalescer = new TokenizeCoalescer(Hung, 256, 1 << 20, inlineCompletions: false);
        using var alone = CancellationTokenSource.CreateLinkedTokenSource(Token);
        using var a = CancellationTokenSource.CreateLinkedTokenSource(Token);
        using var b = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var first = coalescer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "alone" } }, alone.Token);
        var shared = Deferred.Run(() => new[]
        {
            coalescer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "a" } }, a.Token),
            coalescer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "b" } }, b.Token),
        });
        Assert.Equal(2, Volatile.Read(ref sent));

        // One of the two callers leaving does not abandon the send the other still waits for.
        await a.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => shared[0]);
        await Task.Delay(100, Token);
        Assert.False(abandoned.Task.IsCompleted);
        Assert.False(shared[1].IsCompleted);

        await b.CancelAsync();
        await abandoned.Task.WaitAsync(TimeSpan.FromSeconds(10), Token);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => shared[1]);
        await alone.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
    }

    /// <summary>Sends through unary Tokenize once <paramref name="gate"/> lets the message pass.</summary>
    private Func<TokenizeRequest, CancellationToken, Task<TokenizeResponse>> SendThrough(TextGate gate) => async (request, cancellationToken) =>
    {
        await gate.PassAsync(request, cancellationToken);
        return await fixture.Client.TokenizeAsync(request, cancellationToken: cancellationToken);
    };

    /// <summary>Runs code with a synchronization context that holds back what it posts (the
    /// coalescer's yield) until the code is done, then runs it on this thread.</summary>
    /// <summary>Sends the first request alone and the others in one shared message, each caller
    /// under its own span (started here, in a trace of its own, as separate Embed calls are); returns the messages sent.</summary>
    private async Task<List<TokenizeRequest>> SendTracedAsync(IReadOnlyList<TokenizeRequest> requests, IReadOnlyList<Activity> spans)
    {
        var gate = new TextGate();
        var sent = new ConcurrentQueue<TokenizeRequest>();
        var send = SendThrough(gate);
        var coalescer = new TokenizeCoalescer((request, token) => { sent.Enqueue(request); return send(request, token); }, 256, 1 << 20, inlineCompletions: false);
        Task<TokenizeResponse> Call(int i)
        {
            Activity.Current = null;
            spans[i].Start();
            try
            {
                return coalescer.TokenizeAsync(requests[i], Token);
            }
            finally
            {
                Activity.Current = null;
            }
        }

        var first = Call(0);
        var others = Deferred.Run(() => Enumerable.Range(1, requests.Count - 1).Select(Call).ToArray());
        gate.Open();
        await Task.WhenAll([first, .. others]);
        return [.. sent];
    }

    private sealed class Deferred : SynchronizationContext
    {
        private readonly Queue<(SendOrPostCallback Callback, object? State)> _posted = new();

        public static T Run<T>(Func<T> code)
        {
            var context = new Deferred();
            var previous = Current;
            SetSynchronizationContext(context);
            T result;
            try
            {
                result = code();
            }
            finally
            {
                SetSynchronizationContext(previous);
            }

            while (context._posted.TryDequeue(out var posted))
            {
                posted.Callback(posted.State);
            }

            return result;
        }

        public override void Post(SendOrPostCallback d, object? state) => _posted.Enqueue((d, state));
    }
}
