using System.Numerics.Tensors;

namespace KazGrpc.Generation;

// Greedy placeholder until the sampler lands.
internal sealed class TokenSampler(SamplingParameters parameters, IReadOnlyList<int> promptIds, int vocabSize)
{
    public SamplingParameters Parameters { get; } = parameters;

    public int PromptCount { get; } = promptIds.Count + vocabSize - vocabSize;

    public GeneratedToken Sample(ReadOnlySpan<float> logits, ReadOnlySpan<int> banned, Span<float> workspace)
    {
        _ = Parameters;
        logits.CopyTo(workspace);
        foreach (var id in banned)
        {
            workspace[id] = float.NegativeInfinity;
        }

        var span = workspace[..logits.Length];
        return new GeneratedToken(TensorPrimitives.IndexOfMax(span), 0, null);
    }

    public void Accept(int tokenId) => _ = Parameters with { Seed = (ulong)tokenId };
}
