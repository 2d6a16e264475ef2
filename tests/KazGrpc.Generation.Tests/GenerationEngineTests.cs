using KazGrpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace KazGrpc.Generation.Tests;

public sealed class GenerationEngineTests
{
    private const int Vocab = 64;

    private static GenerationEngine Engine(FakeStepModel model, GenerationEngineOptions? options = null, TimeProvider? time = null) =>
        new("fake", model, options ?? new GenerationEngineOptions(), time ?? TimeProvider.System, NullLogger.Instance);

    private static GenerationRequest Request(int[] prompt, int maxNew, string id = "r", int priority = 0, StoppingCriteria? stopping = null) => new()
    {
        RequestId = id,
        PromptIds = prompt,
        Stopping = stopping ?? new StoppingCriteria { MaxNewTokens = maxNew },
        Priority = priority,
    };

    private static List<int> Expected(int[] prompt, int count)
    {
        var context = new List<int>(prompt);
        var output = new List<int>();
        for (var i = 0; i < count; i++)
        {
            var next = FakeStepModel.Next(context, Vocab);
            output.Add(next);
            context.Add(next);
        }

        return output;
    }

    private static int[] Prompt(int seed, int length) => [.. Enumerable.Range(0, length).Select(i => (seed * 7 + i * 13) % Vocab)];

    private static async Task<(List<int> Ids, GenerationResult Result)> Collect(GenerationSequence sequence)
    {
        var ids = new List<int>();
        await foreach (var token in sequence.Tokens.ReadAllAsync(TestContext.Current.CancellationToken))
        {
            ids.Add(token.TokenId);
        }

        return (ids, await sequence.Completion.WithTimeout());
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        for (var i = 0; i < 3000 && !condition(); i++)
        {
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }

        Assert.True(condition());
    }

    [Fact]
    public async Task Submit_OneRequest_GeneratesTheModelsTokensUntilLength()
    {
        var model = new FakeStepModel();
        await using var engine = Engine(model);
        var prompt = Prompt(1, 5);

        var (ids, result) = await Collect(engine.Submit(Request(prompt, 12), CancellationToken.None));

        Assert.Equal(Expected(prompt, 12), ids);
        Assert.Equal(FinishReason.Length, result.FinishReason);
        Assert.Equal(5, result.PromptTokens);
        Assert.Equal(12, result.CompletionTokens);
        Assert.NotNull(result.TimeToFirstToken);
    }

    [Fact]
    public async Task Submit_ManyRequestsOfDifferentLengthsOverFewSlots_EachGetsTheSameOutputAsAlone()
    {
        var model = new FakeStepModel(maxSlots: 4);
        await using var engine = Engine(model, new GenerationEngineOptions { PrefillTokensPerStep = 16 });
        var requests = Enumerable.Range(0, 17).Select(i => (Prompt: Prompt(i, 3 + (i * 5 % 40)), MaxNew: 2 + (i * 7 % 30))).ToList();

        var sequences = requests.Select((r, i) => engine.Submit(Request(r.Prompt, r.MaxNew, $"r{i}"), CancellationToken.None)).ToList();
        var results = await Task.WhenAll(sequences.Select(Collect));

        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(Expected(requests[i].Prompt, requests[i].MaxNew), results[i].Ids);
        }

        Assert.Contains(model.Calls, c => c is "decode:4");
        await WaitUntil(() => engine.Status is { Running: 0, KvPositionsUsed: 0 });
    }

    [Fact]
    public async Task Submit_LongPromptWhileOthersDecode_PrefillsInBudgetChunksAndDecodesEveryStep()
    {
        var model = new FakeStepModel(maxSequenceLength: 100_000);
        await using var engine = Engine(model, new GenerationEngineOptions { PrefillTokensPerStep = 32 });
        var running = engine.Submit(Request(Prompt(1, 4), 90_000, "running"), CancellationToken.None);
        await WaitUntil(() => model.Calls.Contains("decode:1"));

        var longPrompt = Prompt(2, 100);
        var (ids, _) = await Collect(engine.Submit(Request(longPrompt, 3, "long"), CancellationToken.None));
        running.Stop(FinishReason.Aborted);

        Assert.Equal(Expected(longPrompt, 3), ids);
        var calls = model.Calls.ToList();
        var chunks = calls.Where(c => c.StartsWith("prefill:1:", StringComparison.Ordinal)).ToList();
        Assert.Equal(["prefill:1:32", "prefill:1:32", "prefill:1:32", "prefill:1:4"], chunks);
        for (var i = calls.IndexOf(chunks[0]) + 1; i <= calls.IndexOf(chunks[^1]); i += 2)
        {
            Assert.StartsWith("decode:", calls[i], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Submit_ModelGeneratesEos_EndsWithEosAndLeavesTheEosOut()
    {
        var prompt = Prompt(3, 6);
        var reference = Expected(prompt, 8);
        var eos = reference[3];
        var stopAt = reference.IndexOf(eos);
        await using var engine = Engine(new FakeStepModel());

        var (ids, result) = await Collect(engine.Submit(
            Request(prompt, 8, stopping: new StoppingCriteria { MaxNewTokens = 8, EosTokenIds = [eos] }), CancellationToken.None));

        Assert.Equal(reference[..stopAt], ids);
        Assert.Equal(FinishReason.Eos, result.FinishReason);
        Assert.Equal(stopAt, result.CompletionTokens);
    }

    [Fact]
    public async Task Submit_IgnoreEos_GeneratesPastTheEos()
    {
        var prompt = Prompt(3, 6);
        var reference = Expected(prompt, 8);
        await using var engine = Engine(new FakeStepModel());

        var (ids, result) = await Collect(engine.Submit(
            Request(prompt, 8, stopping: new StoppingCriteria { MaxNewTokens = 8, EosTokenIds = [reference[0]], IgnoreEos = true }), CancellationToken.None));

        Assert.Equal(reference, ids);
        Assert.Equal(FinishReason.Length, result.FinishReason);
    }

    [Fact]
    public async Task Submit_MinNewTokens_BansTheEosUntilReached()
    {
        var prompt = Prompt(4, 6);
        var eos = FakeStepModel.Next(prompt, Vocab);
        await using var engine = Engine(new FakeStepModel());

        var (ids, result) = await Collect(engine.Submit(
            Request(prompt, 4, stopping: new StoppingCriteria { MaxNewTokens = 4, MinNewTokens = 4, EosTokenIds = [eos] }), CancellationToken.None));

        Assert.Equal(4, ids.Count);
        Assert.DoesNotContain(eos, ids);
        Assert.Equal(FinishReason.Length, result.FinishReason);
    }

    [Fact]
    public async Task Submit_StopTokenId_EndsWithStopSequence()
    {
        var prompt = Prompt(5, 6);
        var reference = Expected(prompt, 6);
        await using var engine = Engine(new FakeStepModel());

        var (ids, result) = await Collect(engine.Submit(
            Request(prompt, 6, stopping: new StoppingCriteria { MaxNewTokens = 6, StopTokenIds = [reference[2]] }), CancellationToken.None));

        Assert.Equal(reference[..reference.IndexOf(reference[2])], ids);
        Assert.Equal(FinishReason.StopSequence, result.FinishReason);
    }

    [Fact]
    public async Task Cancel_RunningSequence_FreesItsSlotAndKv()
    {
        await using var engine = Engine(new FakeStepModel(maxSequenceLength: 100_000));
        using var cancel = new CancellationTokenSource();
        var sequence = engine.Submit(Request(Prompt(1, 10), 90_000), cancel.Token);
        await sequence.Tokens.ReadAsync(TestContext.Current.CancellationToken);
        Assert.Equal(1, engine.Status.Running);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sequence.Completion.WithTimeout());
        await WaitUntil(() => engine.Status is { Running: 0, KvPositionsUsed: 0 });
        Assert.Equal(0, engine.Status.KvUsage);
    }

    [Fact]
    public async Task Stop_Aborted_EndsTheSequenceWithAborted()
    {
        await using var engine = Engine(new FakeStepModel(maxSequenceLength: 100_000));
        var sequence = engine.Submit(Request(Prompt(1, 10), 90_000), CancellationToken.None);
        await sequence.Tokens.ReadAsync(TestContext.Current.CancellationToken);

        Assert.True(sequence.Stop(FinishReason.Aborted));
        var (_, result) = await Collect(sequence);

        Assert.Equal(FinishReason.Aborted, result.FinishReason);
        Assert.False(sequence.Stop(FinishReason.Aborted));
        await WaitUntil(() => engine.Status is { Running: 0, KvPositionsUsed: 0 });
    }

    [Fact]
    public async Task Submit_PromptAndMaxNewBeyondASlot_IsInvalidArgumentNamingTheNumbers()
    {
        await using var engine = Engine(new FakeStepModel(maxSequenceLength: 4096));

        var error = Assert.Throws<RequestValidationException>(() => engine.Submit(Request(Prompt(1, 3900), 500), CancellationToken.None));

        Assert.Equal("max_new_tokens", error.Violations[0].Field);
        Assert.StartsWith("prompt has 3,900 tokens and max_new_tokens is 500; together they must be <= 4,096", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Submit_QueueFull_IsOverloadedWithARetryHint()
    {
        await using var engine = Engine(new FakeStepModel(maxSlots: 1, maxSequenceLength: 100_000), new GenerationEngineOptions { MaxQueueSize = 2 });
        var holder = engine.Submit(Request(Prompt(1, 4), 90_000, "holder"), CancellationToken.None);
        await holder.Tokens.ReadAsync(TestContext.Current.CancellationToken);
        engine.Submit(Request(Prompt(2, 4), 2, "a"), CancellationToken.None);
        engine.Submit(Request(Prompt(3, 4), 2, "b"), CancellationToken.None);

        var error = Assert.Throws<OverloadedException>(() => engine.Submit(Request(Prompt(4, 4), 2, "c"), CancellationToken.None));

        Assert.Contains("full: 2 requests wait for a KV slot (limit 2)", error.Message, StringComparison.Ordinal);
        Assert.True(error.RetryAfter > TimeSpan.Zero);
        holder.Stop(FinishReason.Aborted);
    }

    [Fact]
    public async Task Submit_QueuedPastItsDeadline_FailsWithDeadlineExceeded()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        await using var engine = Engine(new FakeStepModel(maxSlots: 1, maxSequenceLength: 100_000), time: time);
        var holder = engine.Submit(Request(Prompt(1, 4), 90_000, "holder"), CancellationToken.None);
        await holder.Tokens.ReadAsync(TestContext.Current.CancellationToken);
        var waiting = engine.Submit(Request(Prompt(2, 4), 2, "late") with { Deadline = time.GetUtcNow().AddSeconds(5) }, CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(6));

        var error = await Assert.ThrowsAsync<DeadlineExceededException>(() => waiting.Completion.WithTimeout());
        Assert.Contains("deadline passed before it could start", error.Message, StringComparison.Ordinal);
        holder.Stop(FinishReason.Aborted);
    }

    [Fact]
    public async Task Submit_HigherPriorityQueuedLater_IsAdmittedFirst()
    {
        var model = new FakeStepModel(maxSlots: 1, maxSequenceLength: 100_000);
        await using var engine = Engine(model);
        var holder = engine.Submit(Request(Prompt(1, 3), 90_000, "holder"), CancellationToken.None);
        await holder.Tokens.ReadAsync(TestContext.Current.CancellationToken);
        var low = engine.Submit(Request(Prompt(2, 4), 1, "low", priority: 2), CancellationToken.None);
        var high = engine.Submit(Request(Prompt(3, 5), 1, "high", priority: 1), CancellationToken.None);
        await WaitUntil(() => engine.Status.Waiting == 2);

        holder.Stop(FinishReason.Aborted);
        await Task.WhenAll(low.Completion, high.Completion).WithTimeout();

        var calls = model.Calls.ToList();
        Assert.True(calls.IndexOf("prefill:0:5") < calls.IndexOf("prefill:0:4"), string.Join(", ", calls.Where(c => c.StartsWith("prefill", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task Decode_ModelFails_FailsItsSequencesAndServesTheNext()
    {
        var model = new FakeStepModel(maxSequenceLength: 100_000);
        await using var engine = Engine(model);
        var victim = engine.Submit(Request(Prompt(1, 4), 90_000, "victim"), CancellationToken.None);
        await victim.Tokens.ReadAsync(TestContext.Current.CancellationToken);

        model.FailNext = true;
        var error = await Assert.ThrowsAsync<ExecutionFailedException>(() => victim.Completion.WithTimeout());
        var (ids, _) = await Collect(engine.Submit(Request(Prompt(2, 4), 3, "next"), CancellationToken.None));

        Assert.Contains("the fake model was told to fail", error.Message, StringComparison.Ordinal);
        Assert.Equal(Expected(Prompt(2, 4), 3), ids);
    }

    [Fact]
    public async Task Submit_TwoHundredConcurrentRequests_AllCompleteWithTheirCountsAndKvReturnsToZero()
    {
        var model = new FakeStepModel(maxSlots: 8, maxSequenceLength: 256);
        await using var engine = Engine(model, new GenerationEngineOptions { PrefillTokensPerStep = 64 });
        var random = new Random(20);
        var requests = Enumerable.Range(0, 200).Select(i => (Prompt: Prompt(i, random.Next(1, 120)), MaxNew: random.Next(1, 100))).ToList();

        var results = await Task.WhenAll(requests.Select((r, i) => Collect(engine.Submit(Request(r.Prompt, r.MaxNew, $"r{i}"), CancellationToken.None))));

        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal(requests[i].MaxNew, results[i].Ids.Count);
            Assert.Equal(Expected(requests[i].Prompt, requests[i].MaxNew), results[i].Ids);
        }

        await WaitUntil(() => engine.Status is { Running: 0, Waiting: 0, KvPositionsUsed: 0 });
    }

    [Fact]
    public async Task DisposeAsync_WithQueuedAndRunning_FailsThemAsNotReady()
    {
        var engine = Engine(new FakeStepModel(maxSlots: 1, maxSequenceLength: 100_000));
        var running = engine.Submit(Request(Prompt(1, 4), 90_000, "running"), CancellationToken.None);
        var queued = engine.Submit(Request(Prompt(2, 4), 2, "queued"), CancellationToken.None);
        await running.Tokens.ReadAsync(TestContext.Current.CancellationToken);

        await engine.DisposeAsync();

        await Assert.ThrowsAsync<NotReadyException>(() => running.Completion.WithTimeout());
        await Assert.ThrowsAsync<NotReadyException>(() => queued.Completion.WithTimeout());
    }
}
