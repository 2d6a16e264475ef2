using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.ModelForge;
using TokenizerV1 = KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.InferenceSvc.Tests.Generation;

/// <summary>Generate, Complete, Abort and GetModel for generation through gRPC, on the shared
/// inference-svc serving the forged kaz-tiny (o200k_base) as run.sh does.</summary>
[Collection(SharedInferenceGroup.Name)]
public sealed class GenerateTests(SharedInferenceFixture fixture, TokenizerProcessFixture tokenizer) : IDisposable
{
    private const string Model = "kaz-tiny";
    private const uint Eos = 199999;

    private readonly GrpcChannel _tokenizerChannel = GrpcChannel.ForAddress(tokenizer.Address);

    private InferenceService.InferenceServiceClient Client => fixture.Host.Client;

    private TokenizerV1.TokenizerService.TokenizerServiceClient Tokenizer => new(_tokenizerChannel);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _tokenizerChannel.Dispose();

    private static GenerateRequest Greedy(uint maxNew, string prompt = "Қазақстан Республикасы", string requestId = "") => new()
    {
        Model = Model,
        Prompt = prompt,
        RequestId = requestId,
        Parameters = new GenerationParameters { MaxNewTokens = maxNew, IgnoreEos = true },
    };

    private async Task<(List<GenerationChunk> Chunks, GenerationFinal Final, string RequestId)> Run(GenerateRequest request)
    {
        using var call = Client.Generate(request, cancellationToken: Token);
        var chunks = new List<GenerationChunk>();
        GenerationFinal? final = null;
        var id = "";
        await foreach (var response in call.ResponseStream.ReadAllAsync(Token))
        {
            Assert.Null(final);
            id = response.RequestId;
            if (response.ResponseCase == GenerateResponse.ResponseOneofCase.Chunk)
            {
                chunks.Add(response.Chunk);
            }
            else
            {
                final = response.Final;
            }
        }

        Assert.NotNull(final);
        return (chunks, final, id);
    }

    private static uint[] Ids(IEnumerable<GenerationChunk> chunks) => [.. chunks.SelectMany(c => c.TokenIds)];

    private static string Text(IEnumerable<GenerationChunk> chunks) => string.Concat(chunks.Select(c => c.Text));

    private async Task<string> Detokenize(IEnumerable<uint> ids)
    {
        var request = new TokenizerV1.DetokenizeRequest { Tokenizer = "o200k_base", SkipSpecialTokens = true };
        request.Ids.Add(ids);
        return (await Tokenizer.DetokenizeAsync(request, cancellationToken: Token)).Text;
    }

    private async Task<uint[]> Tokenize(string text)
    {
        var request = new TokenizerV1.TokenizeRequest { Tokenizer = "o200k_base", Texts = { text }, AddSpecialTokens = true };
        return [.. (await Tokenizer.TokenizeAsync(request, cancellationToken: Token)).Results[0].Ids];
    }

    [Fact]
    public async Task GetModel_Generation_ReportsItsKvCacheAndState()
    {
        var model = await Client.GetModelAsync(new GetModelRequest { Name = Model }, cancellationToken: Token);

        Assert.Equal((ModelKind.Generation, ModelState.Ready, "o200k_base", "cpu"), (model.Kind, model.State, model.Tokenizer, model.ExecutionProvider));
        Assert.Equal((2048u, 32u, 32u, 2048u), (model.MaxContextTokens, model.MaxBatchSize, model.KvCacheSlots, model.KvCacheSlotTokens));
    }

    [Fact]
    public async Task Generate_Prompt_StreamsChunksWhoseTextIsTheDetokenizedIdsThenTheFinal()
    {
        var prompt = await Tokenize("Қазақстан Республикасы");

        var (chunks, final, requestId) = await Run(Greedy(12));

        var ids = Ids(chunks);
        Assert.Equal(12, ids.Length);
        Assert.Equal(await Detokenize(ids), Text(chunks));
        Assert.Equal(FinishReason.Length, final.FinishReason);
        Assert.Equal(((uint)prompt.Length, 12u), (final.Usage.PromptTokens, final.Usage.CompletionTokens));
        Assert.True(final.Timings.TimeToFirstTokenMs > 0 && final.Timings.TotalMs >= final.Timings.TimeToFirstTokenMs);
        Assert.StartsWith("gen-", requestId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Generate_TokenIds_GreedyIdsEqualTheReferenceForwardPass()
    {
        uint[] prompt = [9125, 1618, 7, 40, 2000, 150_000];
        var options = new DecoderForgeOptions();
        var reference = new LlamaReference(LlamaWeights.Generate(options.Architecture(), options.Seed), options.UnassignedTokenIdsFor(options.VocabSize));
        var expected = reference.Greedy([.. prompt.Select(i => (long)i)], 6).Select(i => (uint)i);

        var (chunks, _, _) = await Run(new GenerateRequest { Model = Model, TokenIds = { prompt }, Parameters = new GenerationParameters { MaxNewTokens = 6, IgnoreEos = true } });

        Assert.Equal(expected, Ids(chunks));
    }

    [Fact]
    public async Task Complete_MaxNewTokensUnset_GeneratesTheDefaultOrWhatTheContextLeaves()
    {
        var request = new GenerateRequest { Model = Model, Prompt = "Сәлем", Parameters = new GenerationParameters { IgnoreEos = true } };
        var nearlyFull = new GenerateRequest { Model = Model, Parameters = new GenerationParameters { IgnoreEos = true } };
        nearlyFull.TokenIds.Add(Enumerable.Range(0, 2040).Select(i => (uint)(i % 5000)));

        var complete = await Client.CompleteAsync(request, cancellationToken: Token);
        var rest = await Client.CompleteAsync(nearlyFull, cancellationToken: Token);

        Assert.Equal((256, FinishReason.Length), (complete.TokenIds.Count, complete.FinishReason));
        Assert.Equal((8, FinishReason.Length), (rest.TokenIds.Count, rest.FinishReason));
    }

    [Fact]
    public async Task Complete_SameRequest_EqualsTheStreamedGeneration()
    {
        var (chunks, final, _) = await Run(Greedy(10));

        var complete = await Client.CompleteAsync(Greedy(10, requestId: "complete-1"), cancellationToken: Token);

        Assert.Equal(Ids(chunks), complete.TokenIds);
        Assert.Equal(Text(chunks), complete.Text);
        Assert.Equal((final.FinishReason, final.Usage), (complete.FinishReason, complete.Usage));
        Assert.Equal("complete-1", complete.RequestId);
    }

    [Fact]
    public async Task Generate_Messages_RendersTheChatTemplate()
    {
        var template = await Tokenizer.ApplyChatTemplateAsync(
            new TokenizerV1.ApplyChatTemplateRequest { Tokenizer = "o200k_base", AddGenerationPrompt = true, Messages = { new TokenizerV1.ChatMessage { Role = "user", Content = "Сәлем!" } } },
            cancellationToken: Token);

        var (_, final, _) = await Run(new GenerateRequest
        {
            Model = Model,
            Messages = { new ChatMessage { Role = "user", Content = "Сәлем!" } },
            Parameters = new GenerationParameters { MaxNewTokens = 2, IgnoreEos = true },
        });

        Assert.Equal((uint)template.Ids.Count, final.Usage.PromptTokens);
    }

    [Fact]
    public async Task Generate_StopStringAcrossChunks_EndsBeforeItWithStopSequence()
    {
        var (chunks, _, _) = await Run(Greedy(40));
        var texts = chunks.Select(c => c.Text).ToList();
        var boundary = Enumerable.Range(1, texts.Count - 2).First(i => texts[i].Length > 0 && texts[i + 1].Length > 0 && !char.IsSurrogate(texts[i][^1]));
        var before = string.Concat(texts.Take(boundary + 1));
        var stop = texts[boundary][^1..] + texts[boundary + 1][..(char.IsHighSurrogate(texts[boundary + 1][0]) ? 2 : 1)];
        var full = Text(chunks);
        var expected = full[..full.IndexOf(stop, StringComparison.Ordinal)];
        Assert.True(expected.Length < before.Length);

        var request = Greedy(40);
        request.Parameters.Stop.Add(stop);
        var (stopped, final, _) = await Run(request);

        Assert.Equal(expected, Text(stopped));
        Assert.Equal(FinishReason.StopSequence, final.FinishReason);
        Assert.True(final.Usage.CompletionTokens < 40);
        Assert.Equal((uint)Ids(stopped).Length, final.Usage.CompletionTokens);
    }

    [Fact]
    public async Task Generate_EosForcedByLogitBias_EndsWithEosLeavingItOut()
    {
        var request = Greedy(10);
        request.Parameters.IgnoreEos = false;
        request.Parameters.LogitBias.Add(Eos, 100);

        var (chunks, final, _) = await Run(request);

        Assert.Empty(Ids(chunks));
        Assert.Equal((FinishReason.Eos, 0u), (final.FinishReason, final.Usage.CompletionTokens));
    }

    [Fact]
    public async Task Generate_MinNewTokens_HoldsTheEosBack()
    {
        var request = Greedy(10);
        request.Parameters.IgnoreEos = false;
        request.Parameters.LogitBias.Add(Eos, 100);
        request.Parameters.MinNewTokens = 3;

        var (chunks, final, _) = await Run(request);

        Assert.Equal(3, Ids(chunks).Length);
        Assert.DoesNotContain(Eos, Ids(chunks));
        Assert.Equal(FinishReason.Eos, final.FinishReason);
    }

    [Fact]
    public async Task Generate_StopTokenId_EndsWithStopSequence()
    {
        var (reference, _, _) = await Run(Greedy(8));
        var request = Greedy(8);
        request.Parameters.StopTokenIds.Add(Ids(reference)[3]);

        var (chunks, final, _) = await Run(request);

        Assert.Equal(Ids(reference).TakeWhile(id => id != Ids(reference)[3]), Ids(chunks));
        Assert.Equal(FinishReason.StopSequence, final.FinishReason);
    }

    [Fact]
    public async Task Generate_LogprobsRequested_EachTokenHasItsTopAlternatives()
    {
        var request = Greedy(4);
        request.Parameters.Logprobs = 3;

        var (chunks, _, _) = await Run(request);

        var logprobs = chunks.SelectMany(c => c.Logprobs).ToList();
        Assert.Equal(Ids(chunks), logprobs.Select(l => l.TokenId));
        foreach (var logprob in logprobs)
        {
            Assert.Equal(3, logprob.TopLogprobs.Count);
            Assert.Equal(logprob.TokenId, logprob.TopLogprobs[0].TokenId);
            Assert.True(logprob.Logprob <= 0);
        }
    }

    [Fact]
    public async Task Generate_LogprobsNotRequested_NoChunkCarriesLogprobs()
    {
        var (chunks, _, _) = await Run(Greedy(4));

        Assert.Equal(4, Ids(chunks).Length);
        Assert.All(chunks, c => Assert.Empty(c.Logprobs));
    }

    [Fact]
    public async Task Generate_AmongSixteenOthers_GreedyAndSeededOutputsEqualAlone()
    {
        GenerateRequest Sampled() => new()
        {
            Model = Model,
            Prompt = "Бүкіл адамзат",
            Parameters = new GenerationParameters { MaxNewTokens = 16, IgnoreEos = true, Temperature = 1, TopP = 0.9f, Seed = 7 },
        };

        var greedyAlone = Ids((await Run(Greedy(16))).Chunks);
        var sampledAlone = Ids((await Run(Sampled())).Chunks);
        var others = Enumerable.Range(0, 16).Select(i => Run(new GenerateRequest
        {
            Model = Model,
            Prompt = new string('ә', 1 + (i * 13 % 50)),
            Parameters = new GenerationParameters { MaxNewTokens = (uint)(4 + (i * 7 % 30)), IgnoreEos = true, Temperature = 0.8f, Seed = (ulong)i },
        })).ToList();
        var greedy = Run(Greedy(16));
        var sampled = Run(Sampled());
        await Task.WhenAll(others);

        Assert.Equal(greedyAlone, Ids((await greedy).Chunks));
        Assert.Equal(sampledAlone, Ids((await sampled).Chunks));
        Assert.NotEqual(greedyAlone, sampledAlone);
    }

    [Fact]
    public async Task Abort_RunningRequest_EndsItWithAbortedAndIsIdempotent()
    {
        using var call = Client.Generate(Greedy(1500, requestId: "abort-me"), cancellationToken: Token);
        Assert.True(await call.ResponseStream.MoveNext(Token));

        var first = await Client.AbortAsync(new AbortRequest { RequestId = "abort-me" }, cancellationToken: Token);
        GenerationFinal? final = null;
        while (await call.ResponseStream.MoveNext(Token))
        {
            final = call.ResponseStream.Current.Final ?? final;
        }

        var second = await Client.AbortAsync(new AbortRequest { RequestId = "abort-me" }, cancellationToken: Token);
        Assert.True(first.WasRunning);
        Assert.Equal(FinishReason.Aborted, final?.FinishReason);
        Assert.False(second.WasRunning);
    }

    [Fact]
    public async Task Abort_IdNeverSeen_NotFound()
    {
        await RpcAssert.ThrowsAsync(StatusCode.NotFound,
            () => Client.AbortAsync(new AbortRequest { RequestId = "never-seen" }, cancellationToken: Token).ResponseAsync,
            "request 'never-seen' was not found");
    }

    [Fact]
    public async Task Generate_DuplicateRunningRequestId_AlreadyExists()
    {
        using var call = Client.Generate(Greedy(1500, requestId: "twice"), cancellationToken: Token);
        Assert.True(await call.ResponseStream.MoveNext(Token));

        await RpcAssert.ThrowsAsync(StatusCode.AlreadyExists,
            () => Client.CompleteAsync(Greedy(2, requestId: "twice"), cancellationToken: Token).ResponseAsync,
            "`request_id` 'twice' is already running");
        await Client.AbortAsync(new AbortRequest { RequestId = "twice" }, cancellationToken: Token);
    }

    [Fact]
    public async Task Generate_CallerCancels_FreesTheSlotAndKv()
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        using (var call = Client.Generate(Greedy(1500), cancellationToken: cancel.Token))
        {
            Assert.True(await call.ResponseStream.MoveNext(Token));
            var busy = await Client.GetModelAsync(new GetModelRequest { Name = Model }, cancellationToken: Token);
            Assert.True(busy.RunningRequests >= 1 && busy.KvCacheUsage > 0);
            await cancel.CancelAsync();
        }

        var model = await ModelPolling.WaitUntilIdleAsync(Client, Model, Token);

        Assert.Equal((0u, 0.0), (model.RunningRequests, model.KvCacheUsage));
    }

    [Fact]
    public async Task Generate_TwoHundredConcurrentRequests_AllGetTheirCountsAndKvReturnsToZero()
    {
        var random = new Random(200);
        var requests = Enumerable.Range(0, 200).Select(_ =>
        {
            var request = new GenerateRequest { Model = Model, Parameters = new GenerationParameters { MaxNewTokens = (uint)random.Next(1, 24), IgnoreEos = true } };
            request.TokenIds.Add(Enumerable.Range(0, random.Next(1, 120)).Select(_ => (uint)random.Next(0, 199_990)));
            return request;
        }).ToList();

        var results = await Task.WhenAll(requests.Select(r => Run(r)));

        for (var i = 0; i < requests.Count; i++)
        {
            Assert.Equal((int)requests[i].Parameters.MaxNewTokens, Ids(results[i].Chunks).Length);
            Assert.Equal((requests[i].Parameters.MaxNewTokens, FinishReason.Length), (results[i].Final.Usage.CompletionTokens, results[i].Final.FinishReason));
        }

        var model = await Client.GetModelAsync(new GetModelRequest { Name = Model }, cancellationToken: Token);
        Assert.Equal((0u, 0u, 0.0), (model.RunningRequests, model.WaitingRequests, model.KvCacheUsage));
    }

    [Fact]
    public async Task Generate_SampledKazakhAndEmojiOutput_NoChunkSplitsACharacter()
    {
        var request = new GenerateRequest
        {
            Model = Model,
            Prompt = "Сәлем 🙂 әлем",
            Parameters = new GenerationParameters { MaxNewTokens = 64, IgnoreEos = true, Temperature = 1.5f, Seed = 11 },
        };

        var (chunks, _, _) = await Run(request);

        foreach (var chunk in chunks)
        {
            Assert.True(chunk.Text.Length == 0 || !char.IsHighSurrogate(chunk.Text[^1]), "a chunk ends inside a surrogate pair");
            Assert.True(chunk.Text.Length == 0 || !char.IsLowSurrogate(chunk.Text[0]), "a chunk starts inside a surrogate pair");
        }

        Assert.Equal(await Detokenize(Ids(chunks)), Text(chunks));
        Assert.Equal(Encoding.UTF8.GetString(Encoding.UTF8.GetBytes(Text(chunks))), Text(chunks));
    }
}
