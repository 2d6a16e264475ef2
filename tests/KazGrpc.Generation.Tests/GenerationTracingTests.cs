using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;

namespace KazGrpc.Generation.Tests;

/// <summary>The engine's spans, on a source of each test's own that one listener records.</summary>
public sealed class GenerationTracingTests : IDisposable
{
    private readonly ActivitySource _source = new($"KazGrpc.Generation.Tests.{Guid.NewGuid():N}");
    private readonly ConcurrentQueue<Activity> _stopped = new();
    private readonly ActivityListener _listener;

    public GenerationTracingTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => ReferenceEquals(source, _source),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = _stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Dispose()
    {
        _listener.Dispose();
        _source.Dispose();
    }

    [Fact]
    public async Task Submit_ChunkedPrefill_QueuePrefillAndOneDecodeSpanUnderTheCaller()
    {
        var model = new FakeStepModel();
        await using var engine = new GenerationEngine(
            "fake", model, new GenerationEngineOptions { PrefillTokensPerStep = 16 }, TimeProvider.System, NullLogger.Instance, tracing: _source);
        var caller = _source.StartActivity("caller")!;
        var sequence = engine.Submit(Request([.. Enumerable.Range(0, 40)], 5), CancellationToken.None);
        caller.Stop();

        await foreach (var _ in sequence.Tokens.ReadAllAsync(TestContext.Current.CancellationToken))
        {
        }

        await sequence.Completion;
        var spans = _stopped.Where(s => s.ParentSpanId == caller.SpanId).ToDictionary(s => s.OperationName);
        Assert.Equal(["kazgrpc.generation.decode", "kazgrpc.generation.prefill", "kazgrpc.generation.queue"], spans.Keys.Order());
        Assert.Equal(40, spans["kazgrpc.generation.prefill"].GetTagItem("kazgrpc.prompt_tokens"));
        Assert.Equal(3, spans["kazgrpc.generation.prefill"].GetTagItem("kazgrpc.prefill.chunks"));
        var decode = spans["kazgrpc.generation.decode"];
        Assert.Equal(5, decode.GetTagItem("kazgrpc.generated_tokens"));
        Assert.Equal(4, decode.GetTagItem("kazgrpc.decode.steps"));
        Assert.Equal(1, decode.GetTagItem("kazgrpc.decode.largest_batch"));
        Assert.Equal("Length", decode.GetTagItem("kazgrpc.finish_reason"));
        Assert.Equal(3, _stopped.Count(s => s.OperationName.StartsWith("kazgrpc.", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Submit_CancelledWhileQueued_QueueSpanEndsFailed()
    {
        var model = new FakeStepModel(maxSlots: 1, maxSequenceLength: 200_000);
        await using var engine = new GenerationEngine("fake", model, new GenerationEngineOptions(), TimeProvider.System, NullLogger.Instance, tracing: _source);
        var running = engine.Submit(Request([1, 2, 3], 190_000), CancellationToken.None);
        using var leaving = new CancellationTokenSource();
        var queued = engine.Submit(Request([4, 5, 6], 4, "queued"), leaving.Token);

        await leaving.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued.Completion);
        running.Stop(FinishReason.Aborted);
        await running.Completion;

        var queue = _stopped.Where(s => s.OperationName == "kazgrpc.generation.queue").OrderBy(s => s.StartTimeUtc).Last();
        Assert.Equal(ActivityStatusCode.Error, queue.Status);
        Assert.Equal(nameof(OperationCanceledException), queue.GetTagItem("error.type"));
        Assert.Equal(2, _stopped.Count(s => s.OperationName == "kazgrpc.generation.queue"));
        Assert.Equal("Aborted", Assert.Single(_stopped, s => s.OperationName == "kazgrpc.generation.decode").GetTagItem("kazgrpc.finish_reason"));
    }

    private static GenerationRequest Request(int[] prompt, int maxNew, string id = "r") => new()
    {
        RequestId = id,
        PromptIds = prompt,
        Stopping = new StoppingCriteria { MaxNewTokens = maxNew },
    };
}
