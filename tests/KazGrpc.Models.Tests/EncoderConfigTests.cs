namespace KazGrpc.Models.Tests;

public sealed class EncoderConfigTests
{
    [Fact]
    public void Read_FieldsLeftOut_TakeTheirDefaults()
    {
        using var directory = new TempDirectory();
        var absent = EncoderConfig.Read(directory.Path);
        File.WriteAllText(directory.Combine(EncoderConfig.FileName), """{"pooling":"cls","tokenizer":"bert-base"}""");

        var partial = EncoderConfig.Read(directory.Path);

        Assert.Equal(("embedding", "mean", 512, null, "last_hidden_state"), (absent.Kind, absent.Pooling, absent.MaxTokens, absent.Tokenizer, absent.Output));
        Assert.Equal(("embedding", "cls", 512, "bert-base", "last_hidden_state"), (partial.Kind, partial.Pooling, partial.MaxTokens, partial.Tokenizer, partial.Output));
    }

    [Fact]
    public void Read_SnakeCaseFields_AreRead()
    {
        using var directory = new TempDirectory();
        File.WriteAllText(directory.Combine(EncoderConfig.FileName), """{"kind":"embedding","max_tokens":128,"output":"token_embeddings"}""");

        var config = EncoderConfig.Read(directory.Path);

        Assert.Equal((128, "token_embeddings"), (config.MaxTokens, config.Output));
    }

    [Fact]
    public void Read_UnknownPooling_ThrowsNamingTheFileAndValue()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine(EncoderConfig.FileName);
        File.WriteAllText(path, """{"pooling":"max"}""");

        var error = Assert.Throws<InvalidOperationException>(() => EncoderConfig.Read(directory.Path));

        Assert.Equal($"{path}: pooling must be mean or cls; got 'max'", error.Message);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(1048577)]
    public void Read_MaxTokensOutOfRange_ThrowsNamingTheFileAndValue(int maxTokens)
    {
        using var directory = new TempDirectory();
        var path = directory.Combine(EncoderConfig.FileName);
        File.WriteAllText(path, $$"""{"max_tokens":{{maxTokens}}}""");

        var error = Assert.Throws<InvalidOperationException>(() => EncoderConfig.Read(directory.Path));

        Assert.Equal($"{path}: max_tokens must be in [2, 1048576]; got {maxTokens}", error.Message);
    }
}
