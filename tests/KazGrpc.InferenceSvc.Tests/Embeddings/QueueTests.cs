using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Hosting.Security;
using Microsoft.Extensions.Logging;

namespace KazGrpc.InferenceSvc.Tests.Embeddings;

/// <summary>Requests that leave or run out of time while queued never reach the model.</summary>
public sealed class QueueTests(TokenizerProcessFixture tokenizer)
{
    private static readonly string Long = string.Join(' ', Enumerable.Repeat("Қазақстан Республикасы өзін демократиялық мемлекет ретінде орнықтырады.", 20));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Embed_DeadlineShorterThanQueueWait_DeadlineExceededAndNeverRuns()
    {
        await using var host = await StartOneAtATimeAsync();
        using var outcomes = host.Collect<long>("kazgrpc.batch.requests");
        var before = host.ExecutedInputs("minilm");
        var backlog = Enumerable.Range(0, 24).Select(_ => host.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { Long }, Truncate = true }, cancellationToken: Token).ResponseAsync).ToList();
        await WaitForQueueAsync(host, backlog, before);

        await RpcAssert.ThrowsAsync(StatusCode.DeadlineExceeded, () => host.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { "late" } }, deadline: DateTime.UtcNow.AddMilliseconds(150), cancellationToken: Token).ResponseAsync);
        await Task.WhenAll(backlog);

        Assert.Equal(before + backlog.Count, host.ExecutedInputs("minilm"));
        Assert.Contains(outcomes.GetMeasurementSnapshot(), m => m.Tags["outcome"] is "deadline" or "cancelled");
        Assert.Equal(backlog.Count, outcomes.GetMeasurementSnapshot().Where(m => m.Tags["outcome"] is "success").Sum(m => m.Value));
        AssertNothingLogged(host);
    }

    [Fact]
    public async Task Embed_CallerCancelsWhileQueued_NeverRunsAndNoErrorLogged()
    {
        await using var host = await StartOneAtATimeAsync();
        var before = host.ExecutedInputs("minilm");
        var backlog = Enumerable.Range(0, 24).Select(_ => host.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { Long }, Truncate = true }, cancellationToken: Token).ResponseAsync).ToList();
        await WaitForQueueAsync(host, backlog, before);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        await RpcAssert.ThrowsAsync(StatusCode.Cancelled, () => host.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { "cancelled" } }, cancellationToken: cancel.Token).ResponseAsync);
        await Task.WhenAll(backlog);

        Assert.Equal(before + backlog.Count, host.ExecutedInputs("minilm"));
        AssertNothingLogged(host);
    }

    /// <summary>One execution at a time, one input per batch: the queue is what the last caller waits on.
    /// Logs at the services' own default levels (the test host's default is Warning), with
    /// what start-up logged cleared.</summary>
    private async Task<InferenceHost> StartOneAtATimeAsync()
    {
        var host = await InferenceHost.StartAsync(tokenizer, Token,
            "--DynamicBatching:MaxBatchSize=1", "--DynamicBatching:ConcurrentExecutions=1", "--Logging:LogLevel:Default=Information");
        host.Logs.Clear();
        return host;
    }

    /// <summary>A caller that leaves, or whose deadline passes, is the caller's business: the services
    /// log it at Debug and nothing at Information or above, not even the gRPC framework's own
    /// "Error status code ... raised" line, which would otherwise come once per such call. The audit
    /// line every call ends with (Information too) is the record of the call, not a line about it.</summary>
    private static void AssertNothingLogged(InferenceHost host)
    {
        var logged = host.Logs.GetSnapshot().Where(r => r.Level >= LogLevel.Information && r.Category != AuditLog.Category).ToList();
        Assert.True(logged.Count == 0, string.Join(Environment.NewLine, logged.Select(r => $"{r.Level} {r.Category}: {r.Message}")));
    }

    /// <summary>Waits until the backlog has passed the tokenizer hop (queued or run, all but at most
    /// one), so that the next request's own hop is not slowed by theirs and it waits behind at least 8
    /// queued long inputs; a backlog request that fails meanwhile fails the test with its own error.</summary>
    private static async Task WaitForQueueAsync(InferenceHost host, IReadOnlyList<Task<EmbedResponse>> backlog, long executedBefore)
    {
        // The model's own count, then the batcher's, read directly rather than through a scrape: in that
        // order an input is never counted twice. One input (running, with one execution at a time) may
        // be counted by neither.
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var length = 0;
        while (DateTime.UtcNow < until)
        {
            if (backlog.FirstOrDefault(t => t.IsFaulted) is { } failed)
            {
                await failed;
            }

            var executed = host.ExecutedInputs("minilm") - executedBefore;
            length = host.QueueLength("minilm");
            if (length + executed >= backlog.Count - 1)
            {
                Assert.True(length >= 8, $"the backlog ran faster than it queued: {length} of {backlog.Count} still queued");
                return;
            }

            await Task.Delay(10, Token);
        }

        throw new TimeoutException($"the backlog never queued: queue length {length}, {backlog.Count(t => t.IsCompleted)} of {backlog.Count} backlog requests answered");
    }
}
