using KazGrpc.Core;
using KazGrpc.Generation;
using KazGrpc.ModelForge;
using Microsoft.Extensions.Logging.Abstractions;

namespace KazGrpc.Models.Tests;

/// <summary>
/// <see cref="DecoderModel"/> on a forged tiny decoder (512-id vocabulary), checked against the
/// plain C# reference forward pass: alone, and driven by a <see cref="GenerationEngine"/> that
/// queues, prefills in chunks and keeps rows dense.
/// </summary>
public sealed class DecoderModelTests : IDisposable
{
    // fp32 through ONNX Runtime against the reference computed in double.
    private const float Tolerance = 1e-4f;

    private readonly TempDirectory _directory = new();
    private readonly DecoderForgeOptions _options = new() { VocabSize = 512 };
    private readonly LlamaReference _reference;

    public DecoderModelTests()
    {
        LlamaDecoder.Write(_directory.Path, _options);
        _reference = new LlamaReference(LlamaWeights.Generate(_options.Architecture(), _options.Seed));
    }

    public void Dispose() => _directory.Dispose();

    private DecoderModel Load(KvCacheOptions? cache = null) =>
        DecoderModel.Load(_directory.Path, GenAiConfig.Read(_directory.Path), Encoders.CpuSessions(), cache ?? new KvCacheOptions { MaxSlots = 4, MaxSequenceLength = 256 }, 0);

    private static int[] Prompt(int seed, int length) => [.. Enumerable.Range(0, length).Select(i => (seed * 31 + i * 17) % 500)];

    private static void AssertClose(float[] expected, ReadOnlySpan<float> actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= Tolerance, $"logit {i}: expected {expected[i]}, got {actual[i]}");
        }
    }

    [Fact]
    public void Load_TinyDecoder_ReportsItsShapeAndKvCache()
    {
        using var decoder = Load();

        Assert.Equal((512, 4, 256, 2048, "cpu"), (decoder.VocabSize, decoder.MaxSlots, decoder.MaxSequenceLength, decoder.ContextLength, decoder.Provider));
        Assert.Equal([_options.EosTokenIdFor(512)], decoder.EosTokenIds);
        Assert.Equal(2L * 2 * 4 * 2 * 256 * 16 * 4, decoder.KvCacheBytes);
    }

    [Fact]
    public void Load_MemoryBudget_FewerSlotsOrAClearError()
    {
        var perSlot = 2L * 2 * 2 * 256 * 16 * 4;
        using (var decoder = Load(new KvCacheOptions { MaxSlots = 8, MaxSequenceLength = 256, MaxBytes = 3 * perSlot + 10 }))
        {
            Assert.Equal(3, decoder.MaxSlots);
        }

        var error = Assert.Throws<InvalidOperationException>(() => Load(new KvCacheOptions { MaxSequenceLength = 256, MaxBytes = 1000 }));
        Assert.Equal($"KvCache:MaxBytes is 1,000 bytes; one KV slot of 256 positions needs {perSlot:N0}", error.Message);
    }

    [Fact]
    public void PrefillThenDecode_RowsAtDifferentLengths_EqualTheReference()
    {
        using var decoder = Load();
        var first = Prompt(1, 9);
        var second = Prompt(2, 4);

        AssertClose(_reference.LastLogits([.. first.Select(i => (long)i)]), decoder.Prefill(0, 0, first).Span);
        AssertClose(_reference.LastLogits([.. second.Select(i => (long)i)]), decoder.Prefill(1, 0, second).Span);
        var logits = decoder.Decode([7, 8], [first.Length, second.Length]).Span;

        AssertClose(_reference.LastLogits([.. first.Select(i => (long)i), 7]), logits[..512]);
        AssertClose(_reference.LastLogits([.. second.Select(i => (long)i), 8]), logits[512..]);
    }

    [Fact]
    public void Prefill_InChunks_EqualsOneChunk()
    {
        using var decoder = Load();
        var prompt = Prompt(3, 40);

        var whole = decoder.Prefill(0, 0, prompt).ToArray();
        decoder.Prefill(1, 0, prompt.AsSpan(0, 16));
        decoder.Prefill(1, 16, prompt.AsSpan(16, 16));
        var chunked = decoder.Prefill(1, 32, prompt.AsSpan(32)).Span;

        AssertClose(whole, chunked);
    }

    [Fact]
    public void MoveSlot_ThenDecode_ContinuesTheMovedSequence()
    {
        using var decoder = Load();
        var prompt = Prompt(4, 12);
        decoder.Prefill(3, 0, prompt);

        decoder.MoveSlot(3, 0, prompt.Length);
        var logits = decoder.Decode([5], [prompt.Length]).Span;

        AssertClose(_reference.LastLogits([.. prompt.Select(i => (long)i), 5]), logits);
    }

    [Fact]
    public async Task Engine_SeventeenRequestsOverFourSlots_EachGreedyOutputEqualsTheReference()
    {
        using var decoder = Load();
        await using (var engine = new GenerationEngine("tiny", decoder, new GenerationEngineOptions { PrefillTokensPerStep = 16 }, TimeProvider.System, NullLogger.Instance))
        {
            var requests = Enumerable.Range(0, 17).Select(i => (Prompt: Prompt(i, 3 + (i * 11 % 45)), MaxNew: 2 + (i * 5 % 12))).ToList();

            var sequences = requests.Select((r, i) => engine.Submit(
                new GenerationRequest { RequestId = $"r{i}", PromptIds = r.Prompt, Stopping = new StoppingCriteria { MaxNewTokens = r.MaxNew } },
                TestContext.Current.CancellationToken)).ToList();
            var outputs = await Task.WhenAll(sequences.Select(async s =>
            {
                var ids = new List<long>();
                await foreach (var token in s.Tokens.ReadAllAsync(TestContext.Current.CancellationToken))
                {
                    ids.Add(token.TokenId);
                }

                return ids;
            }));

            for (var i = 0; i < requests.Count; i++)
            {
                var expected = _reference.Greedy([.. requests[i].Prompt.Select(t => (long)t)], requests[i].MaxNew);
                Assert.Equal(expected, outputs[i]);
            }

            Assert.Equal((0, 0L), (engine.Status.Running, engine.Status.KvPositionsUsed));
        }
    }

    [Fact]
    public void Decode_PastTheSlot_ThrowsWithoutTouchingMemory()
    {
        using var decoder = Load();

        Assert.Throws<ArgumentOutOfRangeException>(() => decoder.Decode([1], [256]));
        Assert.Throws<ArgumentOutOfRangeException>(() => decoder.Prefill(4, 0, [1]));
    }
}
