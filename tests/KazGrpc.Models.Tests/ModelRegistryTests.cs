using KazGrpc.Core;
using KazGrpc.ModelForge;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace KazGrpc.Models.Tests;

/// <summary>
/// <see cref="ModelRegistry"/> over a models directory with an embedding model (the forge's identity
/// encoder), a generation model (a forged decoder), one whose genai_config.json is incomplete, a directory whose kazgrpc.json
/// is invalid, one whose model.onnx is not a model, and one with no model at all.
/// </summary>
public sealed class ModelRegistryTests : IDisposable
{
    private readonly TempDirectory _models = new();

    public ModelRegistryTests()
    {
        IdentityEncoder.Write(_models.Combine("identity"));

        LlamaDecoder.Write(_models.Combine("kaz-gen"), new DecoderForgeOptions { VocabSize = 512 });

        Directory.CreateDirectory(_models.Combine("bad-gen"));
        File.Copy(_models.Combine("identity", "model.onnx"), _models.Combine("bad-gen", "model.onnx"));
        File.WriteAllText(_models.Combine("bad-gen", "genai_config.json"), """{"model":{"context_length":2048,"eos_token_id":199999}}""");

        IdentityEncoder.Write(_models.Combine("bad-config"));
        File.WriteAllText(_models.Combine("bad-config", EmbeddingModelConfig.FileName), """{"pooling":"max"}""");

        Directory.CreateDirectory(_models.Combine("bad-onnx"));
        File.WriteAllText(_models.Combine("bad-onnx", "model.onnx"), "not a model");

        Directory.CreateDirectory(_models.Combine("notes"));
        File.WriteAllText(_models.Combine("notes", "README.md"), "no model here");
    }

    public void Dispose() => _models.Dispose();

    [Fact]
    public void Constructor_ModelsDirectory_ListsEveryModelDirectoryByKind()
    {
        using var registry = Registry(_models.Path);

        Assert.Equal(["bad-config", "bad-gen", "bad-onnx", "identity", "kaz-gen"], registry.Models.Select(m => m.Name));
        var identity = registry.Get("identity");
        Assert.Equal((ModelKind.Embedding, "minilm", 512, ModelState.Loading), (identity.Kind, identity.Tokenizer, identity.MaxContextTokens, identity.State));
        var generation = registry.Get("kaz-gen");
        Assert.Equal((ModelKind.Generation, "o200k_base", 2048), (generation.Kind, generation.Tokenizer, generation.MaxContextTokens));
        var badGeneration = registry.Get("bad-gen");
        Assert.Equal((ModelKind.Generation, ModelState.Failed), (badGeneration.Kind, badGeneration.State));
        Assert.StartsWith(_models.Combine("bad-gen", GenAiConfig.FileName), badGeneration.Reason, StringComparison.Ordinal);
        var badConfig = registry.Get("bad-config");
        Assert.Equal(ModelState.Failed, badConfig.State);
        Assert.Equal($"{_models.Combine("bad-config", EmbeddingModelConfig.FileName)}: pooling must be mean or cls; got 'max'", badConfig.Reason);
    }

    [Fact]
    public async Task LoadAsync_SomeModelsBroken_TheOthersLoadAndEachBrokenOneSaysWhy()
    {
        using var registry = Registry(_models.Path);

        await registry.LoadAsync(TestContext.Current.CancellationToken);

        // Loaded, and Loading until the host has warmed it through the whole path.
        var identity = registry.Get("identity");
        Assert.Equal(ModelState.Loading, identity.State);
        Assert.IsType<EncoderModel>(identity.Runtime);
        Assert.Equal(("cpu", 384), (identity.Provider, identity.Dimensions));

        Assert.Equal(ModelState.Failed, registry.Get("bad-config").State);
        Assert.Contains("pooling must be mean or cls", registry.Get("bad-config").Reason, StringComparison.Ordinal);
        var badOnnx = registry.Get("bad-onnx");
        Assert.Equal(ModelState.Failed, badOnnx.State);
        Assert.Null(badOnnx.Runtime);
        Assert.Contains("model.onnx", badOnnx.Reason, StringComparison.Ordinal);
        var generation = registry.Get("kaz-gen");
        Assert.Equal(ModelState.Loading, generation.State);
        var decoder = Assert.IsType<DecoderModel>(generation.Runtime);
        Assert.Equal((512, 32, 2048), (decoder.VocabSize, decoder.MaxSlots, decoder.MaxSequenceLength));
        Assert.Equal(ModelState.Failed, registry.Get("bad-gen").State);
    }

    [Fact]
    public void Constructor_MissingModelsDirectory_NoModelsAndAWarningNamingIt()
    {
        var missing = _models.Combine("missing");
        var logger = new FakeLogger<ModelRegistry>();

        using var registry = new ModelRegistry(Options.Create(new ModelRegistryOptions { ModelsDirectory = missing }), Encoders.CpuSessions(), logger);

        Assert.Empty(registry.Models);
        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Equal($"Models directory {missing} does not exist; no models are served", line.Message);
    }

    [Fact]
    public void Get_UnknownName_NotFoundListingTheModels()
    {
        using var registry = Registry(_models.Path);

        var error = Assert.Throws<ResourceNotFoundException>(() => registry.Get("kazllm-70b"));

        Assert.Equal("model 'kazllm-70b' was not found; available: bad-config, bad-gen, bad-onnx, identity, kaz-gen", error.Message);
    }

    private static ModelRegistry Registry(string modelsDirectory) =>
        new(Options.Create(new ModelRegistryOptions { ModelsDirectory = modelsDirectory }), Encoders.CpuSessions(), NullLogger<ModelRegistry>.Instance);
}
