using KazGrpc.ModelForge;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace KazGrpc.GenAi.Tests;

/// <summary>
/// onnxruntime-genai's own generation loop over forged decoders: its greedy tokens must be the
/// reference forward pass's, so a forged directory is a model genai accepts as it is.
/// </summary>
public sealed class GenAiGreedyTests
{
    private const int MaxLength = 24;
    private static readonly DecoderArchitecture Tiny = DecoderArchitecture.For(DecoderSize.Tiny, vocabSize: 512);
    private static readonly LlamaWeights Weights = LlamaWeights.Generate(Tiny, seed: 7);

    // None holds the pad id (511, the forge's eos for this vocabulary): genai reads pad ids in a
    // prompt as padding.
    public static readonly TheoryData<long[]> Prompts = new([17, 3, 250, 99, 4], [1], [400, 12, 77, 5, 6, 7, 8, 9, 10, 11, 300]);

    [Theory]
    [MemberData(nameof(Prompts))]
    public void Generate_ForgedDirectoryAsWritten_GreedyTokensEqualReference(long[] prompt)
    {
        using var directory = new TempDirectory();
        LlamaDecoder.Write(directory.Path, Weights, new DecoderForgeOptions());
        using var model = new Model(directory.Path);

        var tokens = Generate(model, prompt, batch: 1);

        Assert.Equal(new LlamaReference(Weights).Greedy(prompt, MaxLength - prompt.Length), tokens[0]);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, true)]
    [InlineData(true, false)]
    public void Generate_FullLogitsOrSeparatePastAndPresent_GreedyTokensEqualReference(bool fullLogits, bool shareBuffer)
    {
        using var directory = new TempDirectory();
        LlamaDecoder.Write(directory.Path, Weights, new DecoderForgeOptions { FullLogits = fullLogits });
        using var config = new Config(directory.Path);
        config.Overlay(shareBuffer ? """{"search": {"past_present_share_buffer": true}}""" : """{"search": {"past_present_share_buffer": false}}""");
        using var model = new Model(config);
        long[] prompt = [17, 3, 250, 99, 4];

        var tokens = Generate(model, prompt, batch: 1);

        Assert.Equal(new LlamaReference(Weights).Greedy(prompt, MaxLength - prompt.Length), tokens[0]);
    }

    [Fact]
    public void Generate_Int4_GreedyTokensEqualReferenceOfDequantizedWeights()
    {
        using var directory = new TempDirectory();
        LlamaDecoder.Write(directory.Path, Weights, new DecoderForgeOptions { Precision = DecoderPrecision.Int4 });
        using var model = new Model(directory.Path);
        long[] prompt = [17, 3, 250, 99, 4];

        var tokens = Generate(model, prompt, batch: 1);

        Assert.Equal(new LlamaReference(Weights.QuantizedToInt4()).Greedy(prompt, MaxLength - prompt.Length), tokens[0]);
    }

    [Fact]
    public void Generate_BatchOfTwo_EachRowEqualsItsReference()
    {
        using var directory = new TempDirectory();
        LlamaDecoder.Write(directory.Path, Weights, new DecoderForgeOptions());
        using var model = new Model(directory.Path);
        long[] first = [17, 3, 250, 99, 4], second = [400, 12, 77, 5, 6];
        var reference = new LlamaReference(Weights);

        var tokens = Generate(model, [.. first, .. second], batch: 2);

        Assert.Equal(reference.Greedy(first, MaxLength - first.Length), tokens[0]);
        Assert.Equal(reference.Greedy(second, MaxLength - second.Length), tokens[1]);
    }

    // Greedy (genai's default search: one beam, no sampling) to MaxLength; returns each row's new tokens.
    private static long[][] Generate(Model model, long[] prompts, int batch)
    {
        using var generatorParams = new GeneratorParams(model);
        generatorParams.SetSearchOption("max_length", MaxLength);
        generatorParams.SetSearchOption("batch_size", batch);
        using var generator = new Generator(model, generatorParams);
        generator.AppendTokens([.. prompts.Select(t => checked((int)t))]);
        while (!generator.IsDone())
        {
            generator.GenerateNextToken();
        }

        var promptLength = prompts.Length / batch;
        return [.. Enumerable.Range(0, batch).Select(row => generator.GetSequence((ulong)row).ToArray().Skip(promptLength).Select(t => (long)t).ToArray())];
    }
}
