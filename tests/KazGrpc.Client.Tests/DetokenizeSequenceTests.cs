using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace KazGrpc.Client.Tests;

/// <summary>
/// <see cref="TokenizerClient.OpenDetokenizeSequence"/> against the real tokenizer-svc: the shared
/// one, and ones of a test's own that are stopped and restarted under open sequences.
/// </summary>
[Collection(TokenizerServiceGroup.Name)]
public sealed class DetokenizeSequenceTests(TokenizerServiceFixture fixture)
{
    private const string Tokenizer = "o200k_base";

    // Kazakh with emoji whose bytes span several o200k tokens (the flag, the family, the skin tone).
    private const string KazakhWithEmoji = "Қазақстан Республикасы — демократиялық мемлекет 🇰🇿. Сәлем, әлем! 👨‍👩‍👧‍👦 Өтініш қабылданды 👍🏽";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Push_KazakhAndEmojiOneIdAtATime_PiecesJoinToTheOneShotTextAndSplitNoCharacter()
    {
        await using var client = Create(new TokenizerClientOptions { Address = fixture.Address });
        var ids = await IdsAsync(KazakhWithEmoji);
        await FirstCutMidCharacterAsync(ids);

        using var sequence = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        var reading = ReadPiecesAsync(sequence);
        foreach (var id in ids)
        {
            sequence.Push((int)id);
        }

        sequence.Complete();
        var pieces = await reading;

        Assert.Equal(KazakhWithEmoji, string.Concat(pieces));
        Assert.Equal(await OneShotAsync(ids), string.Concat(pieces));
        Assert.All(pieces, piece =>
        {
            Assert.NotEmpty(piece);
            Assert.False(char.IsLowSurrogate(piece[0]), $"'{piece}' starts with half a character");
            Assert.False(char.IsHighSurrogate(piece[^1]), $"'{piece}' ends with half a character");
            Assert.DoesNotContain('\uFFFD', piece);
        });
        Assert.Equal(0, client.OpenDetokenizeSequences);
        Assert.Equal(1, client.DetokenizeStreamsOpened);
    }

    [Fact]
    public async Task Push_FiftyConcurrentSequences_EachGetsItsOwnTextOverOneStream()
    {
        await using var client = Create(new TokenizerClientOptions { Address = fixture.Address });
        var texts = Enumerable.Range(0, 50).Select(i => $"{Corpus.Lines[i % Corpus.Lines.Count]} №{i} 🙂").ToList();
        var ids = await Task.WhenAll(texts.Select(IdsAsync));
        var sequences = texts.Select(_ => client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token)).ToList();
        var readings = sequences.Select(ReadAllAsync).ToList();
        Assert.Equal(50, client.OpenDetokenizeSequences);

        // As a decode loop does: one id for every sequence still going, step after step.
        for (var step = 0; step < ids.Max(i => i.Length); step++)
        {
            for (var s = 0; s < sequences.Count; s++)
            {
                if (step < ids[s].Length)
                {
                    sequences[s].Push((int)ids[s][step]);
                }
                else if (step == ids[s].Length)
                {
                    sequences[s].Complete();
                }
            }
        }

        foreach (var sequence in sequences)
        {
            sequence.Complete();
        }

        var results = await Task.WhenAll(readings);
        Assert.Equal(texts, results);
        Assert.Equal(1, client.DetokenizeStreamsOpened);
        Assert.Equal(0, client.OpenDetokenizeSequences);
        sequences.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Push_MoreIdsThanOneMessageCarries_TextEqualsOneShot()
    {
        await using var client = Create(new TokenizerClientOptions { Address = fixture.Address });
        var corpus = await IdsAsync(Corpus.All);
        var ids = Enumerable.Repeat(corpus, (2 * DetokenizeStreamMultiplexer.MaxIdsPerMessage / corpus.Length) + 2).SelectMany(i => i).ToArray();
        Assert.True(ids.Length > 2 * DetokenizeStreamMultiplexer.MaxIdsPerMessage);
        using var sequence = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);

        sequence.Push([.. ids.Select(i => (int)i)]);
        sequence.Complete();

        Assert.Equal(await OneShotAsync(ids), await ReadAllAsync(sequence));
    }

    [Fact]
    public async Task Push_IdOutsideTheVocabulary_FailsThatSequenceWithInvalidArgumentAndOthersContinue()
    {
        await using var client = Create(new TokenizerClientOptions { Address = fixture.Address });
        var ids = await IdsAsync(KazakhWithEmoji);
        using var before = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        using var bad = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        using var after = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        var readings = new[] { before, after }.Select(ReadAllAsync).ToList();

        bad.Push((int)ids[0]);
        bad.Push(999_999);
        foreach (var id in ids)
        {
            before.Push((int)id);
            after.Push((int)id);
        }

        // What the decode loop pushes after the failure is dropped; the reader has the error.
        bad.Push((int)ids[1]);
        await RpcAssert.ThrowsAsync(StatusCode.InvalidArgument, () => ReadAllAsync(bad), "= 999999 is not in the vocabulary of `o200k_base` (vocab_size");

        before.Complete();
        after.Complete();
        Assert.Equal([KazakhWithEmoji, KazakhWithEmoji], await Task.WhenAll(readings));
        Assert.Equal(1, client.DetokenizeStreamsOpened);
        Assert.Equal(0, client.OpenDetokenizeSequences);
    }

    [Fact]
    public async Task Push_UnknownTokenizer_FailsWithNotFoundNamingIt()
    {
        await using var client = Create(new TokenizerClientOptions { Address = fixture.Address });
        using var sequence = client.OpenDetokenizeSequence("nope", skipSpecialTokens: false, Token);

        sequence.Push(1);

        await RpcAssert.ThrowsAsync(StatusCode.NotFound, () => ReadAllAsync(sequence), "tokenizer 'nope' was not found");
        Assert.Equal(0, client.OpenDetokenizeSequences);
    }

    [Fact]
    public async Task Push_TokenizerRestartedMidCharacter_ReopensReplaysAndTheTextIsExact()
    {
        await using var tokenizer = await RestartableTokenizer.StartAsync(fixture.ModelsDirectory, Token);

        // Room to retry for as long as a restart takes.
        await using var client = Create(new TokenizerClientOptions
        {
            Address = tokenizer.Address,
            MaxRetries = 20,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            BreakerMinimumThroughput = 1000,
        });
        var ids = await IdsAsync(KazakhWithEmoji);
        var cut = await FirstCutMidCharacterAsync(ids);
        using var sequence = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        using var other = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: true, Token);
        var otherText = ReadAllAsync(other);
        other.Push([.. ids[..3].Select(i => (int)i)]);

        // tokenizer-svc holds the first bytes of a character when it goes.
        sequence.Push([.. ids[..cut].Select(i => (int)i)]);
        var expected = (await OneShotAsync(ids[..cut])).TrimEnd('\uFFFD');
        var received = await ReadUntilAsync(sequence, expected.Length);
        Assert.Equal(expected, received);

        await tokenizer.StopAsync();
        await tokenizer.RestartAsync(Token);
        sequence.Push([.. ids[cut..].Select(i => (int)i)]);
        sequence.Complete();
        other.Push([.. ids[3..].Select(i => (int)i)]);
        other.Complete();

        Assert.Equal(KazakhWithEmoji, received + await ReadAllAsync(sequence));
        Assert.Equal(KazakhWithEmoji, await otherText);
        Assert.Equal(2, client.DetokenizeStreamsOpened);
        Assert.Equal(0, client.OpenDetokenizeSequences);
    }

    [Fact]
    public async Task Push_TokenizerStaysDown_FailsPromptlyWithUnavailableThenRecoversWhenItIsBack()
    {
        await using var tokenizer = await RestartableTokenizer.StartAsync(fixture.ModelsDirectory, Token);
        await using var client = Create(new TokenizerClientOptions { Address = tokenizer.Address });
        var ids = await IdsAsync(KazakhWithEmoji);
        using var sequence = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        sequence.Push([.. ids[..4].Select(i => (int)i)]);
        await ReadUntilAsync(sequence, 1);

        var watch = Stopwatch.StartNew();
        await tokenizer.StopAsync();
        sequence.Push([.. ids[4..].Select(i => (int)i)]);
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => ReadAllAsync(sequence), $"the tokenizer (tokenizer-svc at {tokenizer.Address}) is unreachable");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"UNAVAILABLE took {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(0, client.OpenDetokenizeSequences);

        // A sequence opened while it is down fails as promptly.
        using var meanwhile = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        meanwhile.Push((int)ids[0]);
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => ReadAllAsync(meanwhile), "is unreachable");

        await tokenizer.RestartAsync(Token);
        await client.CloseCircuitAsync(Token);
        using var later = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        later.Push([.. ids.Select(i => (int)i)]);
        later.Complete();
        Assert.Equal(KazakhWithEmoji, await ReadAllAsync(later));
    }

    [Fact]
    public async Task Push_TokenizerFrozenThenThawed_BreaksAtTheAnswerTimeoutReopensAndReplays()
    {
        await using var relay = new FreezableRelay(fixture.Address);
        var logger = new FakeLogger<TokenizerClient>();
        await using var client = new TokenizerClient(Options.Create(new TokenizerClientOptions
        {
            Address = relay.Address,
            AttemptTimeout = TimeSpan.FromMilliseconds(300),
            MaxRetries = 20,
            RetryBaseDelay = TimeSpan.FromMilliseconds(50),
            BreakerMinimumThroughput = 1000,
        }), TimeProvider.System, logger);
        var ids = await IdsAsync(KazakhWithEmoji);
        var cut = await FirstCutMidCharacterAsync(ids);
        using var sequence = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        sequence.Push([.. ids[..cut].Select(i => (int)i)]);
        var received = await ReadUntilAsync(sequence, (await OneShotAsync(ids[..cut])).TrimEnd('\uFFFD').Length);

        // Frozen, the connection stays open and nothing answers: only the answer timeout can tell.
        relay.Freeze();
        sequence.Push([.. ids[cut..].Select(i => (int)i)]);
        sequence.Complete();
        await WaitForLogAsync(logger, "The DetokenizeStream broke (no answer on the DetokenizeStream within 300 ms); reopening it to replay 1 sequences");
        relay.Thaw();

        Assert.Equal(KazakhWithEmoji, received + await ReadAllAsync(sequence));
        Assert.Equal(2, client.DetokenizeStreamsOpened);
    }

    [Fact]
    public async Task Push_TokenizerFrozenForGood_UnavailableWithinItsAttempts()
    {
        await using var relay = new FreezableRelay(fixture.Address);
        await using var client = Create(new TokenizerClientOptions { Address = relay.Address, AttemptTimeout = TimeSpan.FromMilliseconds(300), MaxRetries = 1 });
        using var sequence = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        sequence.Push(1);
        await ReadUntilAsync(sequence, 1);

        relay.Freeze();
        var watch = Stopwatch.StartNew();
        sequence.Push(2);

        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => ReadAllAsync(sequence), $"tokenizer-svc at {relay.Address}", "within 300 ms");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"UNAVAILABLE took {watch.Elapsed.TotalSeconds:F1} s");
        relay.Thaw();
    }

    [Fact]
    public async Task Push_PortAcceptsButNothingAnswers_UnavailableAfterItsAttempts()
    {
        // A listener that never accepts: the kernel completes the connection, nobody answers, as
        // with a tokenizer-svc that hangs.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");
        await using var client = Create(new TokenizerClientOptions { Address = address, AttemptTimeout = TimeSpan.FromMilliseconds(300), MaxRetries = 1 });
        using var sequence = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);

        var watch = Stopwatch.StartNew();
        sequence.Push(1);

        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => ReadAllAsync(sequence), $"tokenizer-svc at {address}", "within 300 ms");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"UNAVAILABLE took {watch.Elapsed.TotalSeconds:F1} s");
        Assert.Equal(0, client.DetokenizeStreamsOpened);
    }

    [Fact]
    public async Task Dispose_OpenSequences_ReleasesThemAndTheirReadersEnd()
    {
        await using var client = Create(new TokenizerClientOptions { Address = fixture.Address });
        var ids = await IdsAsync(KazakhWithEmoji);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var disposed = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        var cancelled = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, cancel.Token);
        using var kept = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);
        var keptText = "";
        foreach (var sequence in new[] { disposed, cancelled, kept })
        {
            sequence.Push([.. ids[..5].Select(i => (int)i)]);
            keptText = await ReadUntilAsync(sequence, 1);
        }

        Assert.Equal(3, client.OpenDetokenizeSequences);

        disposed.Dispose();
        Assert.Equal(2, client.OpenDetokenizeSequences);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAllAsync(disposed));
        disposed.Push(1);

        await cancel.CancelAsync();
        Assert.Equal(1, client.OpenDetokenizeSequences);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ReadAllAsync(cancelled));

        // The stream serves on for the sequence still open.
        kept.Push([.. ids[5..].Select(i => (int)i)]);
        kept.Complete();
        Assert.Equal(KazakhWithEmoji, keptText + await ReadAllAsync(kept));
        Assert.Equal(0, client.OpenDetokenizeSequences);
        Assert.Equal(1, client.DetokenizeStreamsOpened);
    }

    [Fact]
    public async Task Complete_NothingPushed_EndsWithNoTextAndOpensNoStream()
    {
        await using var client = Create(new TokenizerClientOptions { Address = fixture.Address });
        using var sequence = client.OpenDetokenizeSequence(Tokenizer, skipSpecialTokens: false, Token);

        sequence.Complete();

        Assert.Equal("", await ReadAllAsync(sequence));
        Assert.Throws<InvalidOperationException>(() => sequence.Push(1));
        Assert.Equal(0, client.OpenDetokenizeSequences);
        Assert.Equal(0, client.DetokenizeStreamsOpened);
    }

    private async Task<uint[]> IdsAsync(string text) =>
        [.. (await fixture.Client.TokenizeAsync(new TokenizeRequest { Tokenizer = Tokenizer, Texts = { text } }, cancellationToken: Token)).Results[0].Ids];

    private async Task<string> OneShotAsync(uint[] ids) =>
        (await fixture.Client.DetokenizeAsync(new DetokenizeRequest { Tokenizer = Tokenizer, Ids = { ids } }, cancellationToken: Token)).Text;

    /// <summary>The first count of ids that ends inside a character (one-shot Detokenize turns the incomplete end into U+FFFD).</summary>
    private async Task<int> FirstCutMidCharacterAsync(uint[] ids)
    {
        for (var n = 1; n <= ids.Length; n++)
        {
            if ((await OneShotAsync(ids[..n])).EndsWith('\uFFFD'))
            {
                return n;
            }
        }

        throw new InvalidOperationException("no prefix of the ids ends inside a character");
    }

    private static async Task<List<string>> ReadPiecesAsync(DetokenizeSequence sequence)
    {
        var pieces = new List<string>();
        await foreach (var piece in sequence.Text.ReadAllAsync(Token))
        {
            pieces.Add(piece);
        }

        return pieces;
    }

    private static async Task<string> ReadAllAsync(DetokenizeSequence sequence) => string.Concat(await ReadPiecesAsync(sequence));

    /// <summary>Reads pieces until at least <paramref name="length"/> characters came.</summary>
    private static async Task<string> ReadUntilAsync(DetokenizeSequence sequence, int length)
    {
        var text = new StringBuilder();
        while (text.Length < length)
        {
            text.Append(await sequence.Text.ReadAsync(Token));
        }

        return text.ToString();
    }

    private static async Task WaitForLogAsync(FakeLogger logger, string message)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(Token);
        limit.CancelAfter(TimeSpan.FromSeconds(10));
        while (!logger.Collector.GetSnapshot().Any(r => r.Message == message))
        {
            await Task.Delay(20, limit.Token);
        }
    }

    private static TokenizerClient Create(TokenizerClientOptions options) => new(Options.Create(options), TimeProvider.System);
}
