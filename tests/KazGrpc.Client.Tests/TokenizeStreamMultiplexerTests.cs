using Grpc.Core;
using Grpc.Core.Interceptors;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client.Tests;

/// <summary>
/// <see cref="TokenizeStreamMultiplexer"/> against the real tokenizer-svc. The first write on the
/// stream is held until every request of a test has been handed over.
/// </summary>
[Collection(TokenizerServiceGroup.Name)]
public sealed class TokenizeStreamMultiplexerTests(TokenizerServiceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TokenizeAsync_ConcurrentRequests_ShareTheStreamEachAsItsOwnMessage()
    {
        var writes = new GatedWrites();
        await using var multiplexer = new TokenizeStreamMultiplexer(Client(writes), 1024);
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

        Assert.Equal(Enumerable.Repeat(2, requests.Count), writes.TextsPerMessage);
        Assert.Equal(requests.Count, multiplexer.MessagesSent);
        for (var i = 0; i < requests.Count; i++)
        {
            var unary = await fixture.Client.TokenizeAsync(requests[i], cancellationToken: Token);
            Assert.Equal(requests[i].RequestId, responses[i].RequestId);
            Assert.Equal(unary.Results, responses[i].Results);
        }
    }

    [Fact]
    public async Task TokenizeAsync_AnswerWithAnError_FailsOnlyThatRequest()
    {
        var writes = new GatedWrites();
        await using var multiplexer = new TokenizeStreamMultiplexer(Client(writes), 1024);
        var tooLong = new string('a', (1 << 20) + 1);
        TokenizeRequest[] requests =
        [
            new() { Tokenizer = "minilm", Texts = { "before" } },
            new() { Tokenizer = "minilm", Texts = { "fine", tooLong } },
            new() { Tokenizer = "minilm", Texts = { "after" } },
        ];

        var answers = requests.Select(r => multiplexer.TokenizeAsync(r, Token)).ToList();
        writes.Open();

        var error = await Assert.ThrowsAsync<RpcException>(() => answers[1]);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("texts[1]", error.Status.Detail, StringComparison.Ordinal);
        foreach (var i in new[] { 0, 2 })
        {
            var unary = await fixture.Client.TokenizeAsync(requests[i], cancellationToken: Token);
            Assert.Equal(unary.Results, (await answers[i]).Results);
        }

        Assert.Equal([1, 2, 1], writes.TextsPerMessage);
    }

    [Fact]
    public async Task TokenizeAsync_CancelledWhileQueued_IsNeverSent()
    {
        var writes = new GatedWrites();
        await using var multiplexer = new TokenizeStreamMultiplexer(Client(writes), 1024);
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
