using Grpc.Core;
using Grpc.Core.Interceptors;
using KazGrpc.Client;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Tests;

/// <summary>
/// <see cref="TokenizeStreamMultiplexer"/> against the real tokenizer-svc. The first write on the
/// stream is held until every request of a test has been handed over, so that which requests share a
/// message does not depend on timing.
/// </summary>
[Collection(TokenizerServiceGroup.Name)]
public sealed class MultiplexerTests(TokenizerServiceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ConcurrentRequests_AreMergedIntoOneMessage_AndEachGetsItsOwnAnswer()
    {
        var writes = new GatedWrites();
        await using var multiplexer = new TokenizeStreamMultiplexer(Client(writes), new MultiplexerLimits());
        var requests = Corpus.Lines.Take(40).Select((text, i) => new TokenizeRequest
        {
            Tokenizer = "minilm",
            AddSpecialTokens = true,
            MaxTokens = 16,
            RequestId = $"caller-{i}",
            Texts = { text, i % 2 == 0 ? "ok" : "қала" },
        }).ToList();

        var answers = requests.Select(r => multiplexer.TokenizeAsync(r, Token)).ToList();
        writes.Open();
        var responses = await Task.WhenAll(answers);

        // The first request went alone; all the others shared the next message.
        Assert.InRange(requests.Count, 20, 40);
        Assert.Equal([2, 2 * (requests.Count - 1)], writes.TextsPerMessage);
        Assert.Equal(2, multiplexer.MessagesSent);
        for (var i = 0; i < requests.Count; i++)
        {
            var unary = await fixture.Client.TokenizeAsync(requests[i], cancellationToken: Token);
            Assert.Equal(requests[i].RequestId, responses[i].RequestId);
            Assert.Equal(unary.Results, responses[i].Results);
        }
    }

    [Fact]
    public async Task RequestsThatAskDifferentThings_AreNotMerged()
    {
        var writes = new GatedWrites();
        await using var multiplexer = new TokenizeStreamMultiplexer(Client(writes), new MultiplexerLimits());
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

        var answers = requests.Select(r => multiplexer.TokenizeAsync(r, Token)).ToList();
        writes.Open();
        var responses = await Task.WhenAll(answers);

        Assert.Equal([1, 1, 1, 1, 1, 1, 2], writes.TextsPerMessage);
        for (var i = 0; i < requests.Length; i++)
        {
            var unary = await fixture.Client.TokenizeAsync(requests[i], cancellationToken: Token);
            Assert.Equal(unary.Results, responses[i].Results);
        }

        Assert.NotEqual(responses[1].Results[0].Ids, responses[2].Results[0].Ids);
    }

    [Fact]
    public async Task MergedMessageWithABadText_FailsOnlyThatRequest()
    {
        var writes = new GatedWrites();
        await using var multiplexer = new TokenizeStreamMultiplexer(Client(writes), new MultiplexerLimits(MaxBytesPerMessage: long.MaxValue));
        var tooLong = new string('a', (1 << 20) + 1);
        TokenizeRequest[] requests =
        [
            new() { Tokenizer = "minilm", Texts = { "first" } },
            new() { Tokenizer = "minilm", Texts = { "before" } },
            new() { Tokenizer = "minilm", Texts = { "fine", tooLong } },
            new() { Tokenizer = "minilm", Texts = { "after" } },
        ];

        var answers = requests.Select(r => multiplexer.TokenizeAsync(r, Token)).ToList();
        writes.Open();

        var error = await Assert.ThrowsAsync<RpcException>(() => answers[2]);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("texts[1]", error.Status.Detail, StringComparison.Ordinal);
        foreach (var i in new[] { 0, 1, 3 })
        {
            var unary = await fixture.Client.TokenizeAsync(requests[i], cancellationToken: Token);
            Assert.Equal(unary.Results, (await answers[i]).Results);
        }

        // first alone; the merged three; then each of them again on its own.
        Assert.Equal([1, 4, 1, 2, 1], writes.TextsPerMessage);
    }

    [Fact]
    public async Task CancelledWhileQueued_IsNeverSent()
    {
        var writes = new GatedWrites();
        await using var multiplexer = new TokenizeStreamMultiplexer(Client(writes), new MultiplexerLimits());
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var first = multiplexer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "first" } }, Token);
        var cancelled = multiplexer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "cancelled" } }, cancel.Token);
        var last = multiplexer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "last" } }, Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        writes.Open();
        await Task.WhenAll(first, last);

        Assert.Equal([1, 1], writes.TextsPerMessage);
        Assert.Equal(0, multiplexer.InFlight);
    }

    [Fact]
    public void TokenizeRequest_HasTheFieldsTheMultiplexerCompares()
    {
        // Merging compares every field but texts and request_id; a new field must join that comparison (TokenizeMerging.AskSame).
        Assert.Equal(
            ["tokenizer", "texts", "add_special_tokens", "return_offsets", "max_tokens", "request_id", "allow_special_tokens"],
            TokenizeRequest.Descriptor.Fields.InFieldNumberOrder().Select(f => f.Name));
    }

    private TokenizerService.TokenizerServiceClient Client(GatedWrites writes) => new(fixture.Channel.Intercept(writes));

    /// <summary>Holds the stream's first write until <see cref="Open"/>, and records the texts of each message written.</summary>
    private sealed class GatedWrites : Interceptor
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<int> _texts = [];

        public IReadOnlyList<int> TextsPerMessage
        {
            get
            {
                lock (_texts)
                {
                    return [.. _texts];
                }
            }
        }

        public void Open() => _open.TrySetResult();

        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            var call = continuation(context);
            return new AsyncDuplexStreamingCall<TRequest, TResponse>(
                new Writer<TRequest>(call.RequestStream, this), call.ResponseStream, call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
        }

        private sealed class Writer<T>(IClientStreamWriter<T> inner, GatedWrites owner) : IClientStreamWriter<T>
        {
            public WriteOptions? WriteOptions { get => inner.WriteOptions; set => inner.WriteOptions = value; }

            public Task CompleteAsync() => inner.CompleteAsync();

            public async Task WriteAsync(T message)
            {
                await owner._open.Task;
                lock (owner._texts)
                {
                    owner._texts.Add(((TokenizeRequest)(object)message!).Texts.Count);
                }

                await inner.WriteAsync(message);
            }
        }
    }
}
