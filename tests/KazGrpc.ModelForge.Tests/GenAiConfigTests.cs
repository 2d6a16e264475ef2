namespace KazGrpc.ModelForge.Tests;

public sealed class GenAiConfigTests
{
    // The shape onnxruntime-genai's builder writes for a Llama 3.1 export (values of an 8B model),
    // with keys the runtime does not read.
    private const string BuilderConfig = """
        {
            "model": {
                "bos_token_id": 128000,
                "context_length": 131072,
                "decoder": {
                    "session_options": { "log_id": "onnxruntime-genai", "provider_options": [ { "cuda": { "enable_cuda_graph": "0" } } ] },
                    "filename": "model.onnx",
                    "head_size": 128,
                    "hidden_size": 4096,
                    "inputs": {
                        "input_ids": "input_ids",
                        "attention_mask": "attention_mask",
                        "past_key_names": "past_key_values.%d.key",
                        "past_value_names": "past_key_values.%d.value"
                    },
                    "outputs": {
                        "logits": "logits",
                        "present_key_names": "present.%d.key",
                        "present_value_names": "present.%d.value"
                    },
                    "num_attention_heads": 32,
                    "num_hidden_layers": 32,
                    "num_key_value_heads": 8
                },
                "eos_token_id": [128001, 128008, 128009],
                "pad_token_id": 128001,
                "type": "llama",
                "vocab_size": 128256
            },
            "search": {
                "do_sample": true,
                "max_length": 131072,
                "past_present_share_buffer": true,
                "temperature": 0.6,
                "top_k": 50,
                "top_p": 0.9
            }
        }
        """;

    [Fact]
    public void Read_BuilderExport_ExposesWhatServingNeeds()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("genai_config.json"), BuilderConfig);

        var config = GenAiConfig.Read(directory.Path);

        Assert.Equal(("llama", 128256, 131072), (config.ModelType, config.VocabSize, config.ContextLength));
        Assert.Equal([128001, 128008, 128009], config.EosTokenIds);
        Assert.Equal((128000, 128001, 128001), (config.BosTokenId, config.PadTokenId, config.EffectivePadTokenId));
        Assert.Equal((32, 32, 8, 128, 4096), (config.NumHiddenLayers, config.NumAttentionHeads, config.NumKeyValueHeads, config.HeadSize, config.HiddenSize));
        Assert.Equal(("model.onnx", "input_ids", "attention_mask", "logits"), (config.ModelFileName, config.InputIdsName, config.AttentionMaskName, config.LogitsName));
        Assert.Null(config.PositionIdsName);
        Assert.Equal(("past_key_values.31.key", "past_key_values.0.value"), (config.PastKeyName(31), config.PastValueName(0)));
        Assert.Equal(("present.7.key", "present.7.value"), (config.PresentKeyName(7), config.PresentValueName(7)));
        Assert.Equal(131072, config.EffectiveMaxLength);
        Assert.True(config.PastPresentShareBuffer);
    }

    [Fact]
    public void Read_MinimalConfig_DefaultsAsGenAi()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("genai_config.json"), """
            {"model": {"type": "llama", "vocab_size": 100, "context_length": 64, "eos_token_id": 7,
              "decoder": {"num_hidden_layers": 1, "num_attention_heads": 2, "num_key_value_heads": 1, "head_size": 8, "hidden_size": 16}}}
            """);

        var config = GenAiConfig.Read(directory.Path);

        Assert.Equal([7], config.EosTokenIds);
        Assert.Null(config.BosTokenId);
        Assert.Equal(7, config.EffectivePadTokenId);
        Assert.Equal(("model.onnx", "past_key_values.0.key", "present.0.value"), (config.ModelFileName, config.PastKeyName(0), config.PresentValueName(0)));
        Assert.Equal(64, config.EffectiveMaxLength);
        Assert.False(config.PastPresentShareBuffer);
    }

    [Fact]
    public void Save_ThenRead_RoundTripsAndKeepsTheBuilderLayout()
    {
        using var directory = new TempDirectory();
        var options = new DecoderForgeOptions { VocabSize = 512 };
        var written = LlamaDecoder.CreateGenAiConfig(options.Architecture(), options);

        var path = written.Save(directory.Path);
        var read = GenAiConfig.Read(directory.Path);

        Assert.Equal(directory.Combine("genai_config.json"), path);
        Assert.Equivalent(written, read, strict: true);
        var text = File.ReadAllText(path);
        Assert.StartsWith("{\n    \"model\": {\n        \"bos_token_id\": 511,\n        \"context_length\": 2048,\n        \"decoder\": {\n", text, StringComparison.Ordinal);
        Assert.Contains("\"past_key_names\": \"past_key_values.%d.key\"", text, StringComparison.Ordinal);
        Assert.Contains("\"past_present_share_buffer\": true", text, StringComparison.Ordinal);
        Assert.EndsWith("}\n", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("\"context_length\": 131072,", "", "model.context_length is missing")]
    [InlineData("\"vocab_size\": 128256", "\"vocab_size\": \"big\"", "model.vocab_size must be an integer; got \"big\"")]
    [InlineData("\"num_key_value_heads\": 8", "\"num_key_value_heads\": 5", "model.decoder.num_key_value_heads must be a divisor of num_attention_heads (32); got 5")]
    [InlineData("[128001, 128008, 128009]", "[128001, 200000]", "model.eos_token_id must be an id in [0, 128256); got 200000")]
    [InlineData("[128001, 128008, 128009]", "\"</s>\"", "model.eos_token_id must be an integer or a list of integers; got \"</s>\"")]
    [InlineData("\"present.%d.key\"", "\"present.key\"", "model.decoder.outputs.present_key_names must be a name with one %d for the layer; got 'present.key'")]
    [InlineData("\"past_present_share_buffer\": true", "\"past_present_share_buffer\": 1", "search.past_present_share_buffer must be true or false; got 1")]
    [InlineData("\"head_size\": 128,", "\"head_size\": 0,", "model.decoder.head_size must be a positive integer; got 0")]
    public void Read_BadValue_NamesFileKeyAndValue(string original, string replacement, string message)
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("genai_config.json"), BuilderConfig.Replace(original, replacement, StringComparison.Ordinal));

        var error = Assert.Throws<InvalidOperationException>(() => GenAiConfig.Read(directory.Path));

        Assert.Equal($"{directory.Combine("genai_config.json")}: {message}", error.Message);
    }

    [Fact]
    public void Read_NotJson_NamesTheFile()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine("genai_config.json"), "{ \"model\": ");

        var error = Assert.Throws<InvalidOperationException>(() => GenAiConfig.Read(directory.Path));

        Assert.StartsWith($"{directory.Combine("genai_config.json")}: not valid JSON: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoFile_FileNotFoundNamingIt()
    {
        using var directory = new TempDirectory();

        var error = Assert.Throws<FileNotFoundException>(() => GenAiConfig.Read(directory.Path));

        Assert.Equal($"{directory.Combine("genai_config.json")} does not exist; a decoder directory needs onnxruntime-genai's genai_config.json.", error.Message);
    }
}
