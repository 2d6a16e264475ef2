using Google.Rpc;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Generation;

/// <summary>Generation admission on an inference-svc whose KV cache has one slot: requests queue for it,
/// a full queue is RESOURCE_EXHAUSTED with a retry delay, a deadline that passes in the queue is
/// DEADLINE_EXCEEDED, and the metrics record what happened.</summary>
public sealed class GenerateQueueTests(TokenizerProcessFixture tokenizer)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static GenerateRequest Request(uint maxNew, string requestId = "") => new()
    {
        Model = "kaz-tiny",
        Prompt = "Сәлем",
        RequestId = requestId,
        Parameters = new GenerationParameters { MaxNewTokens = maxNew, IgnoreEos = true },
    };

    [Fact]
    public async Task Generate_OneSlotBusy_QueuesThenRejectsOnlyWhenTheQueueIsFull()
    {
        await using var host = await InferenceHost.StartAsync(tokenizer, Token, "--KvCache:MaxSlots=1", "--Generation:MaxQueueSize=1");
        using var holder = host.Client.Generate(Request(1500, "holder"), cancellationToken: Token);
        Assert.True(await holder.ResponseStream.MoveNext(Token));

        var queued = host.Client.CompleteAsync(Request(3), cancellationToken: Token);
        var model = await ModelPolling.WaitForAsync(host.Client, "kaz-tiny", m => m.WaitingRequests > 0, Token);

        var error = await RpcAssert.ThrowsAsync(StatusCode.ResourceExhausted,
            () => host.Client.CompleteAsync(Request(3), cancellationToken: Token).ResponseAsync,
            "the generation queue of model kaz-tiny is full: 1 requests wait for a KV slot (limit 1)");
        Assert.NotNull(error.GetRpcStatus()?.GetDetail<RetryInfo>());
        Assert.Equal((1u, 1u, 1u), (model.KvCacheSlots, model.RunningRequests, model.WaitingRequests));

        await host.Client.AbortAsync(new AbortRequest { RequestId = "holder" }, cancellationToken: Token);
        var answer = await queued.ResponseAsync;
        Assert.Equal((FinishReason.Length, 3), (answer.FinishReason, answer.TokenIds.Count));
        Assert.True(answer.Timings.QueueMs > 0);
    }

    [Fact]
    public async Task Generate_DeadlinePassesInTheQueue_DeadlineExceededAndTheSlotServesTheNext()
    {
        await using var host = await InferenceHost.StartAsync(tokenizer, Token, "--KvCache:MaxSlots=1");
        using var ttft = host.Collect<double>("kazgrpc.generation.time_to_first_token");
        using var finished = host.Collect<long>("kazgrpc.generation.finished");
        using var holder = host.Client.Generate(Request(1500, "holder"), cancellationToken: Token);
        Assert.True(await holder.ResponseStream.MoveNext(Token));

        await RpcAssert.ThrowsAsync(StatusCode.DeadlineExceeded,
            () => host.Client.CompleteAsync(Request(3), deadline: DateTime.UtcNow.AddMilliseconds(300), cancellationToken: Token).ResponseAsync);

        await host.Client.AbortAsync(new AbortRequest { RequestId = "holder" }, cancellationToken: Token);
        var next = await host.Client.CompleteAsync(Request(2), cancellationToken: Token);
        Assert.Equal(2, next.TokenIds.Count);
        Assert.True(ttft.GetMeasurementSnapshot().Count >= 2);
        Assert.Contains(finished.GetMeasurementSnapshot(), m => m.Tags["reason"] is "aborted" && m.Tags["model"] is "kaz-tiny");
        Assert.Contains(finished.GetMeasurementSnapshot(), m => m.Tags["reason"] is "length");
    }
}
