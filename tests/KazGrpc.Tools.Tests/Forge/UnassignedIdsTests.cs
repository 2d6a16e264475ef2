using KazGrpc.ModelForge;
using KazGrpc.Tokenization;

namespace KazGrpc.Tools.Tests.Forge;

/// <summary>The ids a forged o200k decoder never chooses are exactly those o200k_base cannot decode.</summary>
public sealed class UnassignedIdsTests
{
    [Fact]
    public void O200kUnassignedIds_EqualTheIdsTheTokenizerLacks()
    {
        var bytes = TiktokenLoader.LoadBuiltin("o200k_base").Bytes;

        var lacking = Enumerable.Range(0, DecoderArchitecture.O200kVocabSize).Where(id => !bytes.Contains(id)).ToList();

        Assert.Equal(DecoderArchitecture.O200kVocabSize, bytes.Count);
        Assert.Equal(lacking, DecoderForgeOptions.O200kUnassignedIds);
        Assert.Equal(lacking, new DecoderForgeOptions().UnassignedTokenIdsFor(DecoderArchitecture.O200kVocabSize));
        Assert.Empty(new DecoderForgeOptions { VocabSize = 512 }.UnassignedTokenIdsFor(512));
    }
}
