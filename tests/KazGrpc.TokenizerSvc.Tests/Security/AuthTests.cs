using System.Net;
using System.Net.Http.Json;
using Google.Rpc;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Reflection.V1Alpha;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Tests.Security;

/// <summary>tokenizer-svc with auth on: credentials, RPC grants, the stream quotas, closed reflection, transcoding's 401.</summary>
public sealed class AuthTests(AuthTokenizerFixture fixture) : IClassFixture<AuthTokenizerFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TokenizerService.TokenizerServiceClient Client(string? key = null) => key is null
        ? new(fixture.Host.Channel)
        : new(fixture.Host.Channel.Intercept(metadata =>
        {
            metadata.Add("x-api-key", key);
            return metadata;
        }));

    private static TokenizeRequest Request => new() { Tokenizer = "o200k_base", Texts = { "Сәлем, әлем!" } };

    private static TokenizeRequest StreamRequest(string id) => new() { Tokenizer = "o200k_base", Texts = { "Сәлем, әлем!" }, RequestId = id };

    private static void AssertOverRate(RequestError error, string caller)
    {
        Assert.Equal((int)StatusCode.ResourceExhausted, error.Code);
        Assert.Equal(
            $"caller '{caller}' is over its quota of {AuthTokenizerFixture.StreamMessagesPerSecond} stream messages per second; this message was not processed: send it again in 1 s",
            error.Message);
        Assert.Equal(TimeSpan.FromSeconds(1), RetryDelay(error));
    }

    private static TimeSpan RetryDelay(RequestError error) => Assert.Single(error.Details, d => d.Is(RetryInfo.Descriptor)).Unpack<RetryInfo>().RetryDelay.ToTimeSpan();

    /// <summary>Sends the request <paramref name="id"/> names, after the delay each refusal gives (the
    /// rate limiter keeps real time), until it is served; returns the answer.</summary>
    private static async Task<TResponse> ResendUntilServedAsync<TRequest, TResponse>(
        AsyncDuplexStreamingCall<TRequest, TResponse> call, string id, RequestError refusal, Func<string, TRequest> request, Func<TResponse, RequestError?> error, Func<TResponse, string> idOf)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            await Task.Delay(RetryDelay(refusal), Token);
            await call.RequestStream.WriteAsync(request(id), Token);
            Assert.True(await call.ResponseStream.MoveNext(Token));
            var answer = call.ResponseStream.Current;
            Assert.Equal(id, idOf(answer));
            if (error(answer) is not { } again)
            {
                return answer;
            }

            Assert.Equal((int)StatusCode.ResourceExhausted, again.Code);
            refusal = again;
        }

        throw new Xunit.Sdk.XunitException($"'{id}' was still refused after 10 tries");
    }

    [Fact]
    public async Task Tokenize_NoCredential_Unauthenticated()
    {
        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, () => Client().TokenizeAsync(Request, cancellationToken: Token).ResponseAsync, "no credential");
    }

    [Fact]
    public async Task Tokenize_RpcNotGranted_PermissionDeniedAndTheGrantedRpcServes()
    {
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, () => Client(AuthTokenizerFixture.ReaderKey).TokenizeAsync(Request, cancellationToken: Token).ResponseAsync,
            "caller 'reader' has no grant for RPC kazgrpc.tokenizer.v1.TokenizerService/Tokenize");

        var tokenizers = await Client(AuthTokenizerFixture.ReaderKey).ListTokenizersAsync(new ListTokenizersRequest(), cancellationToken: Token);
        Assert.Contains(tokenizers.Tokenizers, t => t.Name == "o200k_base");
    }

    [Fact]
    public async Task TokenizeStream_OverConcurrentStreams_ResourceExhaustedWhileTheFirstIsOpen()
    {
        var client = Client(AuthTokenizerFixture.StreamerKey);
        using var first = client.TokenizeStream(cancellationToken: Token);
        await first.RequestStream.WriteAsync(Request, Token);
        Assert.True(await first.ResponseStream.MoveNext(Token));

        await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted,
            async () =>
            {
                using var second = client.TokenizeStream(cancellationToken: Token);
                await second.ResponseStream.MoveNext(Token);
            },
            "caller 'streamer' is at its quota of 1 concurrent streams");
        Assert.Single((await client.TokenizeAsync(Request, cancellationToken: Token)).Results);
        await first.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task TokenizeStream_OverStreamMessagesPerSecond_RefusedInBandWithRetryInfoOthersServedAndTheStreamServesOn()
    {
        const int Burst = 20;
        using var call = Client(AuthTokenizerFixture.RatedKey("chatty-tokenize")).TokenizeStream(cancellationToken: Token);

        // A burst well over the caller's quota of 3 a second: every request is answered once, the
        // first 3 with their ids, the rest (but for those a new second lets in) with the refusal.
        for (var i = 0; i < Burst; i++)
        {
            await call.RequestStream.WriteAsync(StreamRequest($"r{i}"), Token);
        }

        var answers = new Dictionary<string, TokenizeResponse>();
        for (var i = 0; i < Burst; i++)
        {
            Assert.True(await call.ResponseStream.MoveNext(Token));
            answers.Add(call.ResponseStream.Current.RequestId, call.ResponseStream.Current);
        }

        Assert.All(Enumerable.Range(0, AuthTokenizerFixture.StreamMessagesPerSecond), i => Assert.Null(answers[$"r{i}"].Error));
        Assert.All(answers.Values.Where(a => a.Error is null), a => Assert.NotEmpty(Assert.Single(a.Results).Ids));
        var refused = answers.Values.Where(a => a.Error is not null).ToList();
        Assert.NotEmpty(refused);
        Assert.All(refused, a => AssertOverRate(a.Error, "chatty-tokenize"));

        // Another caller under the same quota is served meanwhile: the count is per caller.
        using (var other = Client(AuthTokenizerFixture.RatedKey("quiet-tokenize")).TokenizeStream(cancellationToken: Token))
        {
            for (var i = 0; i < AuthTokenizerFixture.StreamMessagesPerSecond; i++)
            {
                await other.RequestStream.WriteAsync(StreamRequest($"q{i}"), Token);
                Assert.True(await other.ResponseStream.MoveNext(Token));
                Assert.Null(other.ResponseStream.Current.Error);
            }

            await other.RequestStream.CompleteAsync();
        }

        // The stream serves on: a refused request, sent again when the refusal said, is answered.
        var again = await ResendUntilServedAsync(
            call, refused[0].RequestId, refused[0].Error, request => StreamRequest(request), response => response.Error, response => response.RequestId);
        Assert.NotEmpty(again.Results[0].Ids);
        await call.RequestStream.CompleteAsync();
        Assert.False(await call.ResponseStream.MoveNext(Token));
    }

    [Fact]
    public async Task DetokenizeStream_OverStreamMessagesPerSecond_RefusedInBandOthersServedAndOpenSequencesGoOn()
    {
        var ids = (await Client(AuthTokenizerFixture.RatedKey("quiet-detokenize")).TokenizeAsync(Request, cancellationToken: Token)).Results[0].Ids;
        var half = ids.Count / 2;
        Assert.True(half > 0);
        using var call = Client(AuthTokenizerFixture.RatedKey("chatty-detokenize")).DetokenizeStream(cancellationToken: Token);
        async Task<DetokenizeStreamResponse> SendAsync(DetokenizeStreamRequest request)
        {
            await call.RequestStream.WriteAsync(request, Token);
            Assert.True(await call.ResponseStream.MoveNext(Token));
            return call.ResponseStream.Current;
        }

        // A sequence opened within the quota, then one-request sequences, one after another, until one is refused.
        var kept = await SendAsync(new DetokenizeStreamRequest { Tokenizer = "o200k_base", SequenceId = "kept", Ids = { ids.Take(half) } });
        Assert.Null(kept.Error);
        DetokenizeStreamResponse? refusal = null;
        for (var i = 0; i < 20 && refusal is null; i++)
        {
            var answer = await SendAsync(Whole($"burst-{i}"));
            if (answer.Error is not null)
            {
                refusal = answer;
            }
        }

        Assert.NotNull(refusal);
        AssertOverRate(refusal.Error, "chatty-detokenize");

        // Another caller under the same quota is served meanwhile.
        using (var other = Client(AuthTokenizerFixture.RatedKey("quiet-detokenize")).DetokenizeStream(cancellationToken: Token))
        {
            for (var i = 0; i < AuthTokenizerFixture.StreamMessagesPerSecond; i++)
            {
                await other.RequestStream.WriteAsync(Whole($"other-{i}"), Token);
                Assert.True(await other.ResponseStream.MoveNext(Token));
                Assert.Null(other.ResponseStream.Current.Error);
            }

            await other.RequestStream.CompleteAsync();
        }

        // The stream serves on once the caller is back under its rate, and the sequence opened before
        // the refusal goes on where it was. The quota was spent when the refusal came, so the first
        // probe served means a new second's worth, of which the rest of "kept" takes one.
        await ResendUntilServedAsync(call, "probe", refusal.Error, Whole, response => response.Error, response => response.SequenceId);
        var rest = await SendAsync(new DetokenizeStreamRequest { SequenceId = "kept", Ids = { ids.Skip(half) }, Finish = true });
        Assert.Null(rest.Error);
        Assert.Equal("Сәлем, әлем!", kept.Text + rest.Text);
        await call.RequestStream.CompleteAsync();

        DetokenizeStreamRequest Whole(string sequence) => new() { Tokenizer = "o200k_base", SequenceId = sequence, Ids = { ids }, Finish = true };
    }

    [Fact]
    public async Task Reflection_ClosedByConfiguration_Unauthenticated()
    {
        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated,
            async () =>
            {
                // The refusal comes before the server reads anything: a write could race the call's end
                // (and fail as CANCELLED), so the status is read without one.
                using var call = new ServerReflection.ServerReflectionClient(fixture.Host.Channel).ServerReflectionInfo(cancellationToken: Token);
                await call.ResponseStream.MoveNext(Token);
            },
            "no credential");
    }

    [Fact]
    public async Task Transcoded_NoCredential_401()
    {
        using var http = new HttpClient { BaseAddress = fixture.Host.HttpAddress };

        using var response = await http.PostAsJsonAsync("/api/v1/tokenizers/o200k_base:tokenize", new { texts = new[] { "Сәлем" } }, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
