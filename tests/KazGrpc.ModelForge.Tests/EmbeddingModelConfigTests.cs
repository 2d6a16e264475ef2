namespace KazGrpc.ModelForge.Tests;

public sealed class EmbeddingModelConfigTests
{
    [Fact]
    public void Read_FieldsLeftOut_TakeTheirDefaults()
    {
        using var directory = new TempDirectory();
        var absent = EmbeddingModelConfig.Read(directory.Path);
        File.WriteAllText(directory.Combine(EmbeddingModelConfig.FileName), """{"pooling":"cls","tokenizer":"bert-base"}""");

        var partial = EmbeddingModelConfig.Read(directory.Path);

        Assert.Equal(("embedding", "mean", 512, null, "last_hidden_state", 0), (absent.Kind, absent.Pooling, absent.MaxTokens, absent.Tokenizer, absent.Output, absent.Dimensions));
        Assert.Equal(("embedding", "cls", 512, "bert-base", "last_hidden_state"), (partial.Kind, partial.Pooling, partial.MaxTokens, partial.Tokenizer, partial.Output));
    }

    [Fact]
    public void Read_SnakeCaseFields_AreRead()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine(EmbeddingModelConfig.FileName), """{"kind":"embedding","max_tokens":128,"output":"token_embeddings"}""");

        var config = EmbeddingModelConfig.Read(directory.Path);

        Assert.Equal((128, "token_embeddings"), (config.MaxTokens, config.Output));
    }

    [Fact]
    public void Read_UnknownPooling_ThrowsNamingTheFileAndValue()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine(EmbeddingModelConfig.FileName);
        File.WriteAllText(path, """{"pooling":"max"}""");

        var error = Assert.Throws<InvalidOperationException>(() => EmbeddingModelConfig.Read(directory.Path));

        Assert.Equal($"{path}: pooling must be mean or cls; got 'max'", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1048577)]
    public void Read_MaxTokensOutOfRange_ThrowsNamingTheFileAndValue(int maxTokens)
    {
        using var directory = new TempDirectory();
        var path = directory.Combine(EmbeddingModelConfig.FileName);
        File.WriteAllText(path, $$"""{"max_tokens":{{maxTokens}}}""");

        var error = Assert.Throws<InvalidOperationException>(() => EmbeddingModelConfig.Read(directory.Path));

        Assert.Equal($"{path}: max_tokens must be in [2, 1048576]; got {maxTokens}", error.Message);
    }

    [Fact]
    public void Save_ThenRead_GivesBackEveryField()
    {
        using var directory = new TempDirectory();
        var written = new EmbeddingModelConfig
        {
            Pooling = "cls", MaxTokens = 256, Tokenizer = "bert-base", Output = "token_embeddings", Dimensions = 768,
            QueryPrefix = "query: ", PassagePrefix = "passage: ",
        };

        written.Save(directory.Path);
        var read = EmbeddingModelConfig.Read(directory.Path);

        Assert.Equal(
            (written.Kind, written.Pooling, written.MaxTokens, written.Tokenizer, written.Output, written.Dimensions, written.QueryPrefix, written.PassagePrefix),
            (read.Kind, read.Pooling, read.MaxTokens, read.Tokenizer, read.Output, read.Dimensions, read.QueryPrefix, read.PassagePrefix));
    }

    [Fact]
    public void Read_Prefixes_AreReadAsWritten()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine(EmbeddingModelConfig.FileName), """{"query_prefix":"query: ","passage_prefix":"passage: "}""");

        var config = EmbeddingModelConfig.Read(directory.Path);

        Assert.Equal(("query: ", "passage: "), (config.QueryPrefix, config.PassagePrefix));
        Assert.Null(EmbeddingModelConfig.Read(directory.Combine("absent")).QueryPrefix);
    }

    [Fact]
    public void Read_PrefixTooLong_ThrowsNamingTheFileAndLength()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine(EmbeddingModelConfig.FileName);
        File.WriteAllText(path, $$"""{"passage_prefix":"{{new string('p', 1025)}}"}""");

        var error = Assert.Throws<InvalidOperationException>(() => EmbeddingModelConfig.Read(directory.Path));

        Assert.Equal($"{path}: passage_prefix must be at most 1024 characters; got 1025", error.Message);
    }

    [Fact]
    public void Read_NotJson_ThrowsNamingTheFile()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine(EmbeddingModelConfig.FileName);
        File.WriteAllText(path, "{ pooling: mean");

        var error = Assert.Throws<InvalidOperationException>(() => EmbeddingModelConfig.Read(directory.Path));

        Assert.StartsWith($"{path}: ", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"kind":"reranker"}""", "kind must be embedding or generation; got 'reranker'")]
    [InlineData("""{"dimensions":-1}""", "dimensions must be positive when present; got -1")]
    [InlineData("""{"output":""}""", "output must be an output name; got ''")]
    public void Read_ValueOutOfRange_ThrowsNamingTheFileKeyAndValue(string json, string expected)
    {
        using var directory = new TempDirectory();
        var path = directory.Combine(EmbeddingModelConfig.FileName);
        File.WriteAllText(path, json);

        var error = Assert.Throws<InvalidOperationException>(() => EmbeddingModelConfig.Read(directory.Path));

        Assert.Equal($"{path}: {expected}", error.Message);
    }

    [Fact]
    public void Save_InvalidValue_ThrowsAndWritesNothing()
    {
        using var directory = new TempDirectory();

        Assert.Throws<InvalidOperationException>(() => new EmbeddingModelConfig { Pooling = "max" }.Save(directory.Path));

        Assert.False(File.Exists(directory.Combine(EmbeddingModelConfig.FileName)));
    }
}
