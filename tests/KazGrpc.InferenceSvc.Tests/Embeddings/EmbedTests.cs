using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Launcher;

namespace KazGrpc.InferenceSvc.Tests.Embeddings;

/// <summary>Embed, ListModels and GetModel through gRPC, on the shared inference-svc unless a test needs other settings.</summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class EmbedTests(SharedInferenceFixture fixture, TokenizerProcessFixture tokenizer)
{
    private const string EmbedMethod = "rpc_method=\"/kazgrpc.inference.v1.InferenceService/Embed\"";
    private const string MiniLm = "model=\"minilm\"";

    private InferenceService.InferenceServiceClient Client => fixture.Host.Client;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListModels_Loaded_ReportsEachModel()
    {
        var models = (await Client.ListModelsAsync(new ListModelsRequest(), cancellationToken: Token)).Models.ToDictionary(m => m.Name);
        Assert.Equal(["identity", "kaz-tiny", "minilm"], models.Keys.Order(StringComparer.Ordinal));
        var minilm = models["minilm"];
        Assert.Equal(ModelKind.Embedding, minilm.Kind);
        Assert.Equal(ModelState.Ready, minilm.State);
        Assert.Equal("minilm", minilm.Tokenizer);
        Assert.Equal(512u, minilm.MaxContextTokens);
        Assert.Equal(384u, minilm.EmbeddingDimensions);
        Assert.Equal("cpu", minilm.ExecutionProvider);
        Assert.Equal(32u, minilm.MaxBatchSize);
        Assert.Equal(ModelKind.Generation, models["kaz-tiny"].Kind);
        Assert.Equal(2048u, models["kaz-tiny"].MaxContextTokens);
    }

    [Fact]
    public async Task GetModel_Unknown_NotFoundListsModels()
    {
        await RpcAssert.ThrowsAsync(StatusCode.NotFound,
            () => Client.GetModelAsync(new GetModelRequest { Name = "kazllm-70b" }, cancellationToken: Token).ResponseAsync,
            "model 'kazllm-70b' was not found; available: identity, kaz-tiny, minilm");
        var minilm = await Client.GetModelAsync(new GetModelRequest { Name = "minilm" }, cancellationToken: Token);
        Assert.Equal(384u, minilm.EmbeddingDimensions);
    }

    [Fact]
    public async Task Embed_MiniLm_UnitVectorsInInputOrderThatCaptureMeaning()
    {
        string[] inputs = ["A man is eating food.", "A man is eating a piece of bread.", "The girl is carrying a baby.", "Қазақстан Республикасы"];
        var response = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { inputs } }, cancellationToken: Token);
        Assert.Equal(inputs.Length, response.Embeddings.Count);
        Assert.Equal([0u, 1u, 2u, 3u], response.Embeddings.Select(e => e.Index));
        Assert.All(response.Embeddings, e => Assert.Equal(384, e.Values.Count));
        Assert.All(response.Embeddings, e => Assert.Equal(1.0, Math.Sqrt(e.Values.Sum(v => (double)v * v)), 4));
        var v = response.Embeddings.Select(e => e.Values.ToArray()).ToArray();
        Assert.True(Cosine(v[0], v[1]) > Cosine(v[0], v[2]) + 0.2, $"eating/eating {Cosine(v[0], v[1])} vs eating/baby {Cosine(v[0], v[2])}");
        Assert.True(response.Usage.PromptTokens > 20);

        var single = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { inputs[2] } }, cancellationToken: Token);
        Assert.Equal(v[2], single.Embeddings[0].Values.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
    }

    [Fact]
    public async Task Embed_NormalizeFalse_ReturnsRawMeanPooledVector()
    {
        var raw = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "hello world" }, Normalize = false }, cancellationToken: Token);
        var norm = Math.Sqrt(raw.Embeddings[0].Values.Sum(v => (double)v * v));
        Assert.True(Math.Abs(norm - 1) > 0.05, $"norm {norm}");
    }

    [Fact]
    public async Task Embed_SharedBatchWithLongerInputs_SameVectorAsAlone()
    {
        // One length bucket for every input up to 512 tokens: the default buckets would keep the
        // short input out of the long ones' batches, and padding could not leak at all.
        await using var host = await InferenceHost.StartAsync(tokenizer, Token, "--DynamicBatching:MinLengthBucket=512");
        using var sizes = host.Collect<int>("kazgrpc.batch.size");
        const string Short = "Өтініш қабылданды.";
        var alone = (await host.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { Short } }, cancellationToken: Token)).Embeddings[0].Values.ToArray();

        // Padding must not leak: the short input shares batches with long ones, its own request's
        // (a request's inputs are queued together) and other callers'.
        var longText = string.Join(' ', Enumerable.Repeat("Республика Казахстан утверждает себя демократическим государством.", 6));
        var calls = Enumerable.Range(0, 8).Select(i => host.Client.EmbedAsync(
            new EmbedRequest { Model = "minilm", Inputs = { longText, Short, longText + i } }, cancellationToken: Token).ResponseAsync).ToList();
        foreach (var response in await Task.WhenAll(calls))
        {
            Assert.Equal(alone, response.Embeddings[1].Values.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
        }

        // The queue holds the inputs as long, short, long, long, short, long, ...: any batch of three
        // or more (the token budget may split the rest) padded a short input to a long one.
        Assert.Contains(sizes.GetMeasurementSnapshot(), m => m.Value >= 3);
    }

    [Fact]
    public async Task Embed_PoolingOnDevice_SameEmbeddingsAsHostPooling()
    {
        await using var host = await InferenceHost.StartAsync(tokenizer, Token, "--OnnxRuntime:Pooling=device");
        Assert.True(host.Encoder("minilm").PoolsOnDevice);
        Assert.False(fixture.Host.Encoder("minilm").PoolsOnDevice);

        var request = new EmbedRequest { Model = "minilm", Inputs = { "Өтініш қабылданды.", "Заявление принято к рассмотрению.", "The application was accepted." } };
        var onDevice = await host.Client.EmbedAsync(request, cancellationToken: Token);
        var onHost = await Client.EmbedAsync(request, cancellationToken: Token);
        Assert.Equal(onHost.Usage.PromptTokens, onDevice.Usage.PromptTokens);
        for (var i = 0; i < request.Inputs.Count; i++)
        {
            Assert.Equal(onHost.Embeddings[i].Values.ToArray(), onDevice.Embeddings[i].Values.ToArray(), (a, b) => Math.Abs(a - b) < 1e-5);
        }
    }

    [Fact]
    public async Task Embed_IdentityEncoder_MatchesItsFormula()
    {
        var response = await Client.EmbedAsync(new EmbedRequest { Model = "identity", Inputs = { "hello" }, Normalize = false }, cancellationToken: Token);
        var values = response.Embeddings[0].Values;
        Assert.Equal(384, values.Count);

        // [CLS] hello [SEP] = 101, 7592, 102: the mean of (id * scale(d) + offset(d)).
        var mean = (101 + 7592 + 102) / 3.0;
        for (var d = 0; d < 384; d += 37)
        {
            Assert.Equal(mean * KazGrpc.ModelForge.IdentityEncoder.Scale(d) + KazGrpc.ModelForge.IdentityEncoder.Offset(d), values[d], 2);
        }
    }

    [Fact]
    public async Task Embed_UnknownModel_NotFoundListsModels()
    {
        await RpcAssert.ThrowsAsync(StatusCode.NotFound,
            () => Client.EmbedAsync(new EmbedRequest { Model = "bge-m3", Inputs = { "x" } }, cancellationToken: Token).ResponseAsync,
            "model 'bge-m3' was not found; available: identity, kaz-tiny, minilm");
    }

    [Fact]
    public async Task Embed_GenerationModel_InvalidArgument()
    {
        await RpcAssert.InvalidArgumentAsync(
            () => Client.EmbedAsync(new EmbedRequest { Model = "kaz-tiny", Inputs = { "x" } }, cancellationToken: Token).ResponseAsync,
            "model", "`model` 'kaz-tiny' is a generation model; Embed needs an embedding model (identity, minilm)");
    }

    [Fact]
    public async Task Embed_NoInputs_InvalidArgument()
    {
        await RpcAssert.InvalidArgumentAsync(
            () => Client.EmbedAsync(new EmbedRequest { Model = "minilm" }, cancellationToken: Token).ResponseAsync,
            "inputs", "`inputs` must contain at least 1 text; got 0");
    }

    [Fact]
    public async Task Embed_TooManyInputs_InvalidArgumentNamesLimitAndCount()
    {
        var request = new EmbedRequest { Model = "minilm" };
        request.Inputs.Add(Enumerable.Repeat("x", 257));
        await RpcAssert.InvalidArgumentAsync(() => Client.EmbedAsync(request, cancellationToken: Token).ResponseAsync,
            "inputs", "`inputs` must contain at most 256 texts; got 257");
    }

    [Fact]
    public async Task Embed_InputOverMaxTokens_InvalidArgumentNamesIndexCountAndLimit_TruncateCuts()
    {
        var tooLong = string.Join(' ', Enumerable.Repeat("word", 600));
        await RpcAssert.InvalidArgumentAsync(
            () => Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "short", tooLong } }, cancellationToken: Token).ResponseAsync,
            "inputs[1]", "`inputs[1]` has 602 tokens; model 'minilm' takes at most 512 (set `truncate` to cut it)");

        var truncated = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "short", tooLong }, Truncate = true }, cancellationToken: Token);
        Assert.Equal(2, truncated.Embeddings.Count);
        Assert.Equal(3u + 512u, truncated.Usage.PromptTokens);
    }

    [Fact]
    public async Task Embed_BadPriorityHeader_InvalidArgument()
    {
        var headers = new Metadata { { "kazgrpc-priority", "urgent" } };
        await RpcAssert.InvalidArgumentAsync(
            () => Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "x" } }, headers, cancellationToken: Token).ResponseAsync,
            "kazgrpc-priority", "`kazgrpc-priority` must be an integer in [0, 2]; got 'urgent'");
        var ok = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "x" } }, new Metadata { { "kazgrpc-priority", "1" } }, cancellationToken: Token);
        Assert.Single(ok.Embeddings);
    }

    [Fact]
    public async Task Embed_PriorityFieldOutOfRange_InvalidArgumentNamingTheLevels()
    {
        await RpcAssert.InvalidArgumentAsync(
            () => Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "x" }, Priority = 3 }, cancellationToken: Token).ResponseAsync,
            "priority", "`priority` must be in [0, 2] (1 is the highest, 0 the default); got 3");
    }

    [Fact]
    public async Task Embed_RequestIdOver128Bytes_InvalidArgument()
    {
        var request = new EmbedRequest { Model = "minilm", Inputs = { "x" }, RequestId = new string('ж', 65) };
        await RpcAssert.InvalidArgumentAsync(() => Client.EmbedAsync(request, cancellationToken: Token).ResponseAsync,
            "request_id", "`request_id` must be at most 128 bytes; got 130");
    }

    [Fact]
    public async Task Embed_RequestId_LoggedWithTheRequestAtDebugWithoutItsText()
    {
        await using var host = await InferenceHost.StartAsync(tokenizer, Token, "--Logging:LogLevel:KazGrpc.InferenceSvc.Embeddings=Debug");
        host.Logs.Clear();

        await host.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Өтініш қабылданды", "x" }, RequestId = "egov-42" }, cancellationToken: Token);

        var line = Assert.Single(host.Logs.GetSnapshot(), r => r.Message.Contains("egov-42", StringComparison.Ordinal));
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Debug, line.Level);
        Assert.StartsWith("Embed request egov-42: model minilm, 2 inputs, ", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Өтініш", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_EmbedOfThreeInputs_CountsOneRequestThreeInputsAndItsTokens()
    {
        var before = await ScrapeAsync();
        var response = await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "бір", "два", "three" } }, cancellationToken: Token);
        var after = await ScrapeAsync();

        double Rise(string name, params string[] labels) => PrometheusText.Sum(after, name, labels) - PrometheusText.Sum(before, name, labels);
        Assert.Equal(1, Rise("kazgrpc_rpc_server_requests_total", EmbedMethod, "rpc_grpc_status_code=\"OK\""));
        Assert.Equal(1, Rise("kazgrpc_batch_requests_total", MiniLm, "outcome=\"success\""));
        Assert.Equal(1, Rise("kazgrpc_tokenizer_hop_duration_seconds_count", MiniLm));

        // Each input waits in the queue once and runs in some batch once.
        Assert.Equal(3, Rise("kazgrpc_batch_queue_duration_seconds_count", MiniLm));
        Assert.Equal(3, Rise("kazgrpc_batch_size_sum", MiniLm));
        Assert.Equal(response.Usage.PromptTokens, Rise("kazgrpc_embed_prompt_tokens_total", MiniLm));
    }

    [Fact]
    public async Task Metrics_HopMessagesAndTexts_CountWhatWentToTheTokenizer()
    {
        var before = await ScrapeAsync();
        await Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "бір", "два", "three" } }, cancellationToken: Token);
        var after = await ScrapeAsync();

        var messages = PrometheusText.Sum(after, "kazgrpc_tokenizer_hop_messages_total") - PrometheusText.Sum(before, "kazgrpc_tokenizer_hop_messages_total");
        var texts = PrometheusText.Sum(after, "kazgrpc_tokenizer_hop_texts_total") - PrometheusText.Sum(before, "kazgrpc_tokenizer_hop_texts_total");

        // The three inputs went in one message. Anything else sent meanwhile (a readiness probe) adds
        // as many texts as messages, so the difference is exactly what this request adds.
        Assert.True(messages >= 1, $"hop messages rose by {messages}");
        Assert.Equal(2, texts - messages);
    }

    /// <summary>The shared inference-svc's Prometheus text.</summary>
    private Task<string> ScrapeAsync() => PrometheusText.ScrapeAsync(fixture.Host.MetricsAddress, Token);

    private static double Cosine(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();
}
