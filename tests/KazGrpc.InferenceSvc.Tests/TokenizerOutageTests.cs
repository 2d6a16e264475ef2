using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>The tokenizer hop under failure, with tokenizer-svc as a real process that is stopped
/// and restarted, or frozen (SIGSTOP: its port still accepts, nothing answers) and thawed.</summary>
public sealed class TokenizerOutageTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Embed_TokenizerStoppedThenRestarted_UnavailableWithinDeadlineThenRecovers()
    {
        await using var environment = await InferenceEnvironment.StartAsync(Token);
        await EmbedOnceAsync(environment);

        await environment.Tokenizer.StopAsync();
        await AssertUnavailableWithinDeadlineAsync(environment);
        await environment.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.NotServing, TimeSpan.FromSeconds(5), Token);
        await AssertUnavailableWithinDeadlineAsync(environment);

        await environment.Tokenizer.StartAsync(Token);
        await environment.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(15), Token);
        await EmbedOnceAsync(environment);
    }

    [Fact]
    public async Task Embed_TokenizerFrozenThenThawed_UnavailableNotDeadlineExceededThenRecovers()
    {
        await using var environment = await InferenceEnvironment.StartAsync(Token);
        await EmbedOnceAsync(environment);

        environment.Tokenizer.Freeze();
        try
        {
            // The first call finds the stream open and the port accepting: only timeouts can tell.
            await AssertUnavailableWithinDeadlineAsync(environment);
            await environment.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.NotServing, TimeSpan.FromSeconds(5), Token);
            await AssertUnavailableWithinDeadlineAsync(environment);
        }
        finally
        {
            environment.Tokenizer.Thaw();
        }

        await environment.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(15), Token);
        await EmbedOnceAsync(environment);
    }

    private static async Task EmbedOnceAsync(InferenceEnvironment environment)
    {
        var response = await environment.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем" } }, deadline: DateTime.UtcNow.AddSeconds(30), cancellationToken: Token);
        Assert.Single(response.Embeddings);
    }

    private static async Task AssertUnavailableWithinDeadlineAsync(InferenceEnvironment environment)
    {
        var watch = Stopwatch.StartNew();
        var error = await RpcAssert.ThrowsAsync(StatusCode.Unavailable,
            () => environment.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем" } }, deadline: DateTime.UtcNow.AddSeconds(8), cancellationToken: Token).ResponseAsync,
            "tokenizer", "unreachable");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"UNAVAILABLE took {watch.Elapsed.TotalSeconds:F1} s of the 8 s deadline: {error.Status.Detail}");
    }
}
