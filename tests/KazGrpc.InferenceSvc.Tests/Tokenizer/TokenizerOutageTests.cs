using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Tokenizer;

/// <summary>The tokenizer hop under failure, with a tokenizer-svc process of the test's own that is
/// stopped and restarted, or frozen (SIGSTOP: its port still accepts, nothing answers) and thawed.</summary>
public sealed class TokenizerOutageTests(TokenizerProcessFixture shared)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Embed_TokenizerStoppedThenRestarted_UnavailableWithinDeadlineThenRecovers()
    {
        await using var tokenizer = await StartTokenizerAsync();
        await using var host = await InferenceHost.StartAsync(tokenizer.Address, shared.ModelsDirectory, Token);
        await EmbedOnceAsync(host);

        await tokenizer.StopAsync();
        await AssertUnavailableWithinDeadlineAsync(host);
        await host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.NotServing, TimeSpan.FromSeconds(5), Token);
        await AssertUnavailableWithinDeadlineAsync(host);

        await tokenizer.StartAsync(Token);
        await host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(15), Token);
        await EmbedOnceAsync(host);
    }

    [Fact]
    public async Task Embed_TokenizerFrozenThenThawed_UnavailableWithinTheCallersDeadlineThenRecovers()
    {
        await using var tokenizer = await StartTokenizerAsync();
        await using var host = await InferenceHost.StartAsync(tokenizer.Address, shared.ModelsDirectory, Token);
        await EmbedOnceAsync(host);

        tokenizer.Freeze();
        try
        {
            // The first calls find the stream open and the port accepting: only timeouts can tell. A
            // caller whose deadline comes before the hop's timeout gets DEADLINE_EXCEEDED, one with
            // time to spare UNAVAILABLE.
            var hurried = RpcAssert.ThrowsAsync(StatusCode.DeadlineExceeded,
                () => host.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Асығыс" } }, deadline: DateTime.UtcNow.AddMilliseconds(400), cancellationToken: Token).ResponseAsync);
            await AssertUnavailableWithinDeadlineAsync(host);
            await hurried;
            await host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.NotServing, TimeSpan.FromSeconds(5), Token);
            await AssertUnavailableWithinDeadlineAsync(host);
        }
        finally
        {
            tokenizer.Thaw();
        }

        await host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(15), Token);
        await EmbedOnceAsync(host);
    }

    /// <summary>A tokenizer-svc of this test's own, over the same models directory as the shared one.</summary>
    private async Task<TokenizerProcess> StartTokenizerAsync()
    {
        var tokenizer = new TokenizerProcess(shared.ModelsDirectory);
        try
        {
            await tokenizer.StartAsync(Token);
            return tokenizer;
        }
        catch
        {
            await tokenizer.DisposeAsync();
            throw;
        }
    }

    private static async Task EmbedOnceAsync(InferenceHost host)
    {
        var response = await host.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем" } }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: Token);
        Assert.Single(response.Embeddings);
    }

    private static async Task AssertUnavailableWithinDeadlineAsync(InferenceHost host)
    {
        var watch = Stopwatch.StartNew();
        var error = await RpcAssert.ThrowsAsync(StatusCode.Unavailable,
            () => host.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем" } }, deadline: DateTime.UtcNow.AddSeconds(8), cancellationToken: Token).ResponseAsync,
            "tokenizer", "unreachable");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"UNAVAILABLE took {watch.Elapsed.TotalSeconds:F1} s of the 8 s deadline: {error.Status.Detail}");
    }
}
