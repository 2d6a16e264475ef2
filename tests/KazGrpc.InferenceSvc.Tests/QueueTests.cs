using System.Globalization;
using System.Text.RegularExpressions;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using Microsoft.Extensions.Logging;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>Requests that leave or run out of time while queued never reach the model.</summary>
public sealed partial class QueueTests
{
    private static readonly string Long = string.Join(' ', Enumerable.Repeat("Қазақстан Республикасы өзін демократиялық мемлекет ретінде орнықтырады.", 20));

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Embed_DeadlineShorterThanQueueWait_DeadlineExceededAndNeverRuns()
    {
        // One execution at a time, one input per batch: the queue is what the last caller waits on.
        await using var environment = await InferenceEnvironment.StartAsync(Token, "--DynamicBatching:MaxBatchSize=1", "--DynamicBatching:ConcurrentExecutions=1");
        var before = environment.ExecutedInputs("minilm");
        var backlog = Enumerable.Range(0, 24).Select(_ => environment.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { Long }, Truncate = true }, cancellationToken: Token).ResponseAsync).ToList();
        await WaitForQueueAsync(environment, backlog);

        await RpcAssert.ThrowsAsync(StatusCode.DeadlineExceeded, () => environment.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { "late" } }, deadline: DateTime.UtcNow.AddMilliseconds(150), cancellationToken: Token).ResponseAsync);
        await Task.WhenAll(backlog);

        Assert.Equal(before + backlog.Count, environment.ExecutedInputs("minilm"));
        var metrics = await MetricsAsync(environment);
        Assert.Matches(OutcomeCount("(deadline|cancelled)"), metrics);
        Assert.DoesNotContain(environment.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Embed_CallerCancelsWhileQueued_NeverRunsAndNoErrorLogged()
    {
        await using var environment = await InferenceEnvironment.StartAsync(Token, "--DynamicBatching:MaxBatchSize=1", "--DynamicBatching:ConcurrentExecutions=1");
        var before = environment.ExecutedInputs("minilm");
        var backlog = Enumerable.Range(0, 24).Select(_ => environment.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { Long }, Truncate = true }, cancellationToken: Token).ResponseAsync).ToList();
        await WaitForQueueAsync(environment, backlog);

        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        await RpcAssert.ThrowsAsync(StatusCode.Cancelled, () => environment.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { "cancelled" } }, cancellationToken: cancel.Token).ResponseAsync);
        await Task.WhenAll(backlog);

        Assert.Equal(before + backlog.Count, environment.ExecutedInputs("minilm"));
        Assert.DoesNotContain(environment.Logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
    }

    /// <summary>Waits until the backlog is queued, so that the next request waits behind it; a backlog
    /// request that fails meanwhile fails the test with its own error.</summary>
    private static async Task WaitForQueueAsync(InferenceEnvironment environment, IReadOnlyList<Task<EmbedResponse>> backlog)
    {
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        var length = "none";
        while (DateTime.UtcNow < until)
        {
            if (backlog.FirstOrDefault(t => t.IsFaulted) is { } failed)
            {
                await failed;
            }

            var match = QueueLength().Match(await MetricsAsync(environment));
            length = match.Success ? match.Groups[1].Value : "none";
            if (match.Success && double.Parse(length, CultureInfo.InvariantCulture) >= 8)
            {
                return;
            }

            await Task.Delay(25, Token);
        }

        throw new TimeoutException($"the backlog never queued: queue length {length}, {backlog.Count(t => t.IsCompleted)} of {backlog.Count} backlog requests answered");
    }

    private static async Task<string> MetricsAsync(InferenceEnvironment environment)
    {
        using var http = new HttpClient();
        return await http.GetStringAsync(new Uri(environment.MetricsAddress, "/metrics"), Token);
    }

    private static Regex OutcomeCount(string outcome) =>
        new($"kazgrpc_batch_requests_total\\{{[^}}]*outcome=\"{outcome}\"[^}}]*\\}} [1-9]");

    [GeneratedRegex("kazgrpc_batch_queue_length\\{[^}]*model=\"minilm\"[^}]*\\} ([0-9.e+]+)")]
    private static partial Regex QueueLength();

}
