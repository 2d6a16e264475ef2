using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Tests.Grpc;

[Collection(TokenizerServiceGroup.Name)]
public sealed class StreamTests(TokenizerServiceFixture fixture)
{
    private TokenizerService.TokenizerServiceClient Client => fixture.Client;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("gpt2", "қ🙂ә")]
    [InlineData("o200k_base", "Әлия 👨‍👩‍👧 ok")]
    [InlineData("llama3-test", "Ұл 🇰🇿!")]
    [InlineData("minilm", "hello world, қала")]
    public async Task DetokenizeStream_EveryWayOfSplittingTheIds_EqualsOneShot(string tokenizer, string text)
    {
        var ids = (await Client.TokenizeAsync(new TokenizeRequest { Tokenizer = tokenizer, Texts = { text } }, cancellationToken: Token)).Results[0].Ids.ToArray();
        Assert.InRange(ids.Length, 2, 14);
        var oneShot = (await Client.DetokenizeAsync(new DetokenizeRequest { Tokenizer = tokenizer, Ids = { ids } }, cancellationToken: Token)).Text;

        // Each split of the ids into consecutive chunks is a sequence of its own, all on one stream.
        var splits = 1 << (ids.Length - 1);
        using var call = Client.DetokenizeStream(cancellationToken: Token);
        var reader = Task.Run(async () =>
        {
            var texts = new Dictionary<string, string>();
            var finished = new HashSet<string>();
            await foreach (var response in call.ResponseStream.ReadAllAsync(Token))
            {
                Assert.Null(response.Error);
                texts[response.SequenceId] = texts.GetValueOrDefault(response.SequenceId, "") + response.Text;
                if (response.Finished)
                {
                    finished.Add(response.SequenceId);
                }
            }

            Assert.Equal(splits, finished.Count);
            return texts;
        }, Token);

        for (var mask = 0; mask < splits; mask++)
        {
            var sequence = $"split-{mask}";
            var chunk = new DetokenizeStreamRequest { Tokenizer = tokenizer, SequenceId = sequence };
            for (var i = 0; i < ids.Length; i++)
            {
                chunk.Ids.Add(ids[i]);
                if (i < ids.Length - 1 && (mask & (1 << i)) != 0)
                {
                    await call.RequestStream.WriteAsync(chunk, Token);
                    chunk = new DetokenizeStreamRequest { SequenceId = sequence };
                }
            }

            chunk.Finish = true;
            await call.RequestStream.WriteAsync(chunk, Token);
        }

        await call.RequestStream.CompleteAsync();
        var results = await reader;
        Assert.Equal(splits, results.Count);
        Assert.All(results.Values, joined => Assert.Equal(oneShot, joined));
    }

    [Fact]
    public async Task DetokenizeStream_SplitCharacter_IsNeverEmittedInHalves()
    {
        // gpt2 spells the emoji with byte tokens: no answer may carry half of it.
        var ids = (await Client.TokenizeAsync(new TokenizeRequest { Tokenizer = "gpt2", Texts = { "🙂" } }, cancellationToken: Token)).Results[0].Ids;
        Assert.True(ids.Count > 1);
        using var call = Client.DetokenizeStream(cancellationToken: Token);
        var texts = new List<string>();
        for (var i = 0; i < ids.Count; i++)
        {
            await call.RequestStream.WriteAsync(new DetokenizeStreamRequest { Tokenizer = "gpt2", SequenceId = "s", Ids = { ids[i] }, Finish = i == ids.Count - 1 }, Token);
            Assert.True(await call.ResponseStream.MoveNext(Token));
            texts.Add(call.ResponseStream.Current.Text);
        }

        Assert.All(texts.SkipLast(1), t => Assert.Equal("", t));
        Assert.Equal("🙂", texts[^1]);
        Assert.True(call.ResponseStream.Current.Finished);
    }

    [Fact]
    public async Task DetokenizeStream_ThousandInterleavedSequences_EachEqualsItsText()
    {
        const int Sequences = 1000;
        var texts = Enumerable.Range(0, Sequences).Select(i => $"{Corpus.Lines[i % Corpus.Lines.Count]} №{i} 🙂").ToArray();
        var tokenize = new TokenizeRequest { Tokenizer = "o200k_base" };
        tokenize.Texts.Add(texts);
        var ids = (await Client.TokenizeAsync(tokenize, cancellationToken: Token)).Results.Select(r => r.Ids.ToArray()).ToArray();

        using var call = Client.DetokenizeStream(cancellationToken: Token);
        var reader = Task.Run(async () =>
        {
            var joined = new Dictionary<string, string>();
            await foreach (var response in call.ResponseStream.ReadAllAsync(Token))
            {
                Assert.Null(response.Error);
                joined[response.SequenceId] = joined.GetValueOrDefault(response.SequenceId, "") + response.Text;
            }

            return joined;
        }, Token);

        // Round-robin: one token of each open sequence at a time.
        var longest = ids.Max(i => i.Length);
        for (var position = 0; position < longest; position++)
        {
            for (var s = 0; s < Sequences; s++)
            {
                if (position < ids[s].Length)
                {
                    await call.RequestStream.WriteAsync(new DetokenizeStreamRequest
                    {
                        Tokenizer = position == 0 ? "o200k_base" : "",
                        SequenceId = $"seq-{s}",
                        Ids = { ids[s][position] },
                        Finish = position == ids[s].Length - 1,
                    }, Token);
                }
            }
        }

        await call.RequestStream.CompleteAsync();
        var results = await reader;
        Assert.Equal(Sequences, results.Count);
        for (var s = 0; s < Sequences; s++)
        {
            Assert.Equal(texts[s], results[$"seq-{s}"]);
        }
    }

    [Fact]
    public async Task DetokenizeStream_BadRequests_AnsweredInBandAndStreamServesOn()
    {
        using var call = Client.DetokenizeStream(cancellationToken: Token);
        async Task<DetokenizeStreamResponse> Send(DetokenizeStreamRequest request)
        {
            await call.RequestStream.WriteAsync(request, Token);
            Assert.True(await call.ResponseStream.MoveNext(Token));
            return call.ResponseStream.Current;
        }

        var unknown = await Send(new DetokenizeStreamRequest { Tokenizer = "nope", SequenceId = "a", Ids = { 1 } });
        Assert.Equal((int)StatusCode.NotFound, unknown.Error.Code);
        Assert.Contains("tokenizer 'nope' was not found", unknown.Error.Message, StringComparison.Ordinal);

        var noTokenizer = await Send(new DetokenizeStreamRequest { SequenceId = "b", Ids = { 1 } });
        Assert.Equal((int)StatusCode.InvalidArgument, noTokenizer.Error.Code);
        Assert.Contains("`tokenizer` is required on the first request of sequence 'b'", noTokenizer.Error.Message, StringComparison.Ordinal);

        var badId = await Send(new DetokenizeStreamRequest { Tokenizer = "gpt2", SequenceId = "c", Ids = { 40, 70000 } });
        Assert.Equal((int)StatusCode.InvalidArgument, badId.Error.Code);
        Assert.Contains("`ids[1]` = 70000 is not in the vocabulary of `gpt2` (vocab_size 50257)", badId.Error.Message, StringComparison.Ordinal);

        var good = await Send(new DetokenizeStreamRequest { Tokenizer = "gpt2", SequenceId = "d", Ids = { 40 }, Finish = true });
        Assert.Null(good.Error);
        Assert.Equal("I", good.Text);
        Assert.True(good.Finished);
        await call.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task TokenizeStream_ThousandsOfRequests_EachAnsweredByItsRequestId()
    {
        const int Requests = 3000;
        using var call = Client.TokenizeStream(cancellationToken: Token);
        var reader = Task.Run(async () =>
        {
            var answers = new Dictionary<string, TokenizeResponse>();
            await foreach (var response in call.ResponseStream.ReadAllAsync(Token))
            {
                answers.Add(response.RequestId, response);
            }

            return answers;
        }, Token);

        for (var i = 0; i < Requests; i++)
        {
            var request = new TokenizeRequest
            {
                Tokenizer = i % 500 == 7 ? "nope" : (i % 2 == 0 ? "o200k_base" : "minilm"),
                RequestId = $"r{i}",
                Texts = { $"{Corpus.Lines[i % Corpus.Lines.Count]} {i}" },
            };
            await call.RequestStream.WriteAsync(request, Token);
        }

        await call.RequestStream.CompleteAsync();
        var answers = await reader;
        Assert.Equal(Requests, answers.Count);
        var expected = await Client.TokenizeAsync(new TokenizeRequest { Tokenizer = "o200k_base", Texts = { $"{Corpus.Lines[42 % Corpus.Lines.Count]} 42" } }, cancellationToken: Token);
        Assert.Equal(expected.Results[0].Ids, answers["r42"].Results[0].Ids);
        Assert.Equal((int)StatusCode.NotFound, answers["r7"].Error.Code);
        Assert.Empty(answers["r7"].Results);
        Assert.Null(answers["r8"].Error);
    }

    [Fact]
    public async Task TokenizeStream_MissingRequestId_AnsweredInBand()
    {
        using var call = Client.TokenizeStream(cancellationToken: Token);
        await call.RequestStream.WriteAsync(new TokenizeRequest { Tokenizer = "gpt2", Texts = { "x" } }, Token);
        Assert.True(await call.ResponseStream.MoveNext(Token));
        Assert.Equal((int)StatusCode.InvalidArgument, call.ResponseStream.Current.Error.Code);
        Assert.Contains("`request_id` is required on TokenizeStream", call.ResponseStream.Current.Error.Message, StringComparison.Ordinal);
        await call.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task TokenizeStream_SlowReader_ServerStopsReadingAndLosesNothing()
    {
        // Send many large requests without reading: the server must stop reading (bounded buffers)
        // rather than buffer everything, and every request is answered once the client reads.
        const int Requests = 400;
        using var call = Client.TokenizeStream(cancellationToken: Token);
        var big = string.Join(' ', Enumerable.Repeat(Corpus.Lines[0], 200));
        var sent = 0;
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < Requests; i++)
            {
                await call.RequestStream.WriteAsync(new TokenizeRequest { Tokenizer = "o200k_base", RequestId = $"b{i}", Texts = { big } }, Token);
                Interlocked.Increment(ref sent);
            }

            await call.RequestStream.CompleteAsync();
        }, Token);

        await Task.Delay(TimeSpan.FromSeconds(2), Token);
        Assert.True(Volatile.Read(ref sent) < Requests, $"the writer should be held back by flow control; sent {sent}");

        var received = 0;
        await foreach (var response in call.ResponseStream.ReadAllAsync(Token))
        {
            Assert.Null(response.Error);
            received++;
        }

        await writer;
        Assert.Equal(Requests, received);
    }
}
