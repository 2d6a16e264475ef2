using Google.Rpc;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.InferenceSvc.Tests.Generation;

namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>Each quota driven over by one caller, with another caller (unlimited) served meanwhile.</summary>
[Collection(AuthInferenceGroup.Name)]
public sealed class QuotaTests(AuthInferenceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private InferenceService.InferenceServiceClient Generator => fixture.Host.ClientWith($"Bearer {AuthCallers.GeneratorKey}");

    private static GenerateRequest Ids(int promptTokens, uint maxNew) => new()
    {
        Model = "kaz-tiny",
        TokenIds = { Enumerable.Range(100, promptTokens).Select(i => (uint)i) },
        Parameters = new GenerationParameters { MaxNewTokens = maxNew, IgnoreEos = true },
    };

    private static TimeSpan RetryDelay(RpcException error)
    {
        var retry = error.GetRpcStatus()?.GetDetail<RetryInfo>();
        Assert.NotNull(retry);
        return retry.RetryDelay.ToTimeSpan();
    }

    [Fact]
    public async Task Unary_OverConcurrentRequests_ResourceExhaustedWithRetryInfoAndStreamsAndOthersServed()
    {
        var client = fixture.Host.ClientWith($"Bearer {AuthCallers.RequestsKey}");
        using var hold = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var holder = client.CompleteAsync(Ids(3, 1500), cancellationToken: hold.Token);
        await ModelPolling.WaitForAsync(Generator, "kaz-tiny", m => m.RunningRequests > 0, Token);

        var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted,
            () => client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем" } }, cancellationToken: Token).ResponseAsync,
            "caller 'q-requests' is at its quota of 1 concurrent requests");
        Assert.Equal(TimeSpan.FromSeconds(1), RetryDelay(error));
        using (var stream = client.Generate(Ids(3, 2), cancellationToken: Token))
        {
            Assert.True(await stream.ResponseStream.MoveNext(Token));
        }

        Assert.Single((await Generator.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем" } }, cancellationToken: Token)).Embeddings);

        await hold.CancelAsync();
        await Assert.ThrowsAnyAsync<Exception>(() => holder.ResponseAsync);
        Assert.Single((await EventuallyAsync(() => client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем" } }, cancellationToken: Token).ResponseAsync)).Embeddings);
    }

    [Fact]
    public async Task Generate_OverConcurrentStreams_ResourceExhaustedAndUnaryAndOthersServed()
    {
        var client = fixture.Host.ClientWith($"Bearer {AuthCallers.StreamsKey}");
        using (var holder = client.Generate(Ids(3, 1500), cancellationToken: Token))
        {
            Assert.True(await holder.ResponseStream.MoveNext(Token));

            var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted,
                async () =>
                {
                    using var second = client.Generate(Ids(3, 2), cancellationToken: Token);
                    await second.ResponseStream.MoveNext(Token);
                },
                "caller 'q-streams' is at its quota of 1 concurrent streams");
            Assert.Equal(TimeSpan.FromSeconds(1), RetryDelay(error));
            Assert.Equal(2, (await client.CompleteAsync(Ids(3, 2), cancellationToken: Token)).TokenIds.Count);
            using var other = Generator.Generate(Ids(3, 2), cancellationToken: Token);
            Assert.True(await other.ResponseStream.MoveNext(Token));
        }

        await EventuallyAsync(async () =>
        {
            using var next = client.Generate(Ids(3, 2), cancellationToken: Token);
            return await next.ResponseStream.MoveNext(Token);
        });
    }

    [Fact]
    public async Task Complete_OverPromptTokensPerMinute_ResourceExhaustedUntilTheFirstChargeLeavesTheMinute()
    {
        var client = fixture.Host.ClientWith($"Bearer {AuthCallers.PromptKey}");
        var first = await client.CompleteAsync(Ids(10, 1), cancellationToken: Token);
        await client.CompleteAsync(Ids(10, 1), cancellationToken: Token);

        var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted,
            () => client.CompleteAsync(Ids(10, 1), cancellationToken: Token).ResponseAsync,
            "caller 'q-prompt' is over its quota of 25 prompt tokens per minute (20 used in the last minute; this request has 10)");

        // 20 of 25 used, 10 more asked: the first 10 must leave the minute.
        var delay = RetryDelay(error);
        Assert.InRange(delay, TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60));
        Assert.Equal(10u, first.Usage.PromptTokens);
        Assert.Single((await Generator.CompleteAsync(Ids(10, 1), cancellationToken: Token)).TokenIds);
    }

    [Fact]
    public async Task Embed_PromptTokensCountedByTheTokenizer_ChargedToTheSameQuota()
    {
        var client = fixture.Host.ClientWith($"Bearer {AuthCallers.PromptKey}");
        var text = string.Join(' ', Enumerable.Repeat("Өтініш", 30));

        var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted,
            () => client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { text } }, cancellationToken: Token).ResponseAsync,
            "prompt tokens is over caller 'q-prompt''s whole quota of 25 prompt tokens per minute; it can never be admitted");

        Assert.NotNull(error.GetRpcStatus()?.GetDetail<RetryInfo>());
    }

    [Fact]
    public async Task Complete_OverGeneratedTokensPerMinute_ResourceExhaustedWithRetryInfo()
    {
        var client = fixture.Host.ClientWith($"Bearer {AuthCallers.GeneratedKey}");
        var used = await client.CompleteAsync(Ids(3, 8), cancellationToken: Token);

        var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted,
            () => client.CompleteAsync(Ids(3, 2), cancellationToken: Token).ResponseAsync,
            "caller 'q-generated' is over its quota of 8 generated tokens per minute (8 generated in the last minute)");

        Assert.Equal(8u, used.Usage.CompletionTokens);
        Assert.InRange(RetryDelay(error), TimeSpan.FromSeconds(40), TimeSpan.FromSeconds(60));
        Assert.Equal(8, (await Generator.CompleteAsync(Ids(3, 8), cancellationToken: Token)).TokenIds.Count);
    }

    /// <summary>Retries <paramref name="call"/> for up to 10 s while its caller's slot is still being released.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> call)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.ResourceExhausted && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50, Token);
            }
        }
    }
}
