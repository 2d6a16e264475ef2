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
        var gate = new TextGate();
        await using var multiplexer = new TokenizeStreamMultiplexer(Client(gate), 1024);
        var requests = TokenizeCalls.Callers(40);

        var answers = requests.Select(r => multiplexer.TokenizeAsync(r, Token)).ToList();
        gate.Open();
        var responses = await Task.WhenAll(answers);

        Assert.Equal(Enumerable.Repeat(2, requests.Count), gate.TextsPerMessage);
        Assert.Equal(requests.Count, multiplexer.MessagesSent);
        await TokenizeCalls.AssertEachAsUnaryAsync(fixture.Client, requests, responses, Token);
    }

    [Fact]
    public async Task TokenizeAsync_AnswerWithAnError_FailsOnlyThatRequest()
    {
        var gate = new TextGate();
        await using var multiplexer = new TokenizeStreamMultiplexer(Client(gate), 1024);
        var tooLong = new string('a', (1 << 20) + 1);
        TokenizeRequest[] requests =
        [
            new() { Tokenizer = "minilm", Texts = { "before" } },
            new() { Tokenizer = "minilm", Texts = { "fine", tooLong } },
            new() { Tokenizer = "minilm", Texts = { "after" } },
        ];

        var answers = requests.Select(r => multiplexer.TokenizeAsync(r, Token)).ToList();
        gate.Open();

        var error = await Assert.ThrowsAsync<RpcException>(() => answers[1]);
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains("texts[1]", error.Status.Detail, StringComparison.Ordinal);
        await TokenizeCalls.AssertEachAsUnaryAsync(fixture.Client, [requests[0], requests[2]], [await answers[0], await answers[2]], Token);

        Assert.Equal([1, 2, 1], gate.TextsPerMessage);
    }

    [Fact]
    public async Task TokenizeAsync_CancelledWhileQueued_IsNeverSent()
    {
        var gate = new TextGate();
        await using var multiplexer = new TokenizeStreamMultiplexer(Client(gate), 1024);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var first = multiplexer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "first" } }, Token);
        var cancelled = multiplexer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "cancelled" } }, cancel.Token);
        var last = multiplexer.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "last" } }, Token);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        gate.Open();
        await Task.WhenAll(first, last);

        Assert.Equal([1, 1], gate.TextsPerMessage);
        Assert.Equal(0, multiplexer.InFlight);
    }

    private TokenizerService.TokenizerServiceClient Client(TextGate gate) => new(fixture.Channel.Intercept(new GatedWrites(gate)));

    /// <summary>Passes each message the stream writes through <paramref name="gate"/>.</summary>
    private sealed class GatedWrites(TextGate gate) : Interceptor
    {
        public override AsyncDuplexStreamingCall<TRequest, TResponse> AsyncDuplexStreamingCall<TRequest, TResponse>(
            ClientInterceptorContext<TRequest, TResponse> context, AsyncDuplexStreamingCallContinuation<TRequest, TResponse> continuation)
        {
            var call = continuation(context);
            return new AsyncDuplexStreamingCall<TRequest, TResponse>(
                new Writer<TRequest>(call.RequestStream, gate), call.ResponseStream, call.ResponseHeadersAsync, call.GetStatus, call.GetTrailers, call.Dispose);
        }

        private sealed class Writer<T>(IClientStreamWriter<T> inner, TextGate gate) : IClientStreamWriter<T>
        {
            public WriteOptions? WriteOptions { get => inner.WriteOptions; set => inner.WriteOptions = value; }

            public Task CompleteAsync() => inner.CompleteAsync();

            public async Task WriteAsync(T message)
            {
                await gate.PassAsync((TokenizeRequest)(object)message!, CancellationToken.None);
                await inner.WriteAsync(message);
            }
        }
    }
}
