using System.Net;
using System.Net.Http.Json;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Reflection.V1Alpha;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Tests.Security;

/// <summary>tokenizer-svc with auth on: credentials, RPC grants, the stream quota, closed reflection, transcoding's 401.</summary>
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
