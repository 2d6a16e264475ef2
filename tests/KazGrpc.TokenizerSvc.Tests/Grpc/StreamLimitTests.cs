using Google.Rpc;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Tests.Grpc;

[Collection(SmallLimitsGroup.Name)]
public sealed class StreamLimitTests(SmallLimitsFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DetokenizeStream_OneSequenceOverMaxSequencesPerStream_ResourceExhaustedNamingTheLimitAndTheOpenOnesServeOn()
    {
        var client = new TokenizerService.TokenizerServiceClient(fixture.Host.Channel);
        var ids = (await client.TokenizeAsync(new TokenizeRequest { Tokenizer = "gpt2", Texts = { "Сәлем, әлем!" } }, cancellationToken: Token)).Results[0].Ids;
        var oneShot = (await client.DetokenizeAsync(new DetokenizeRequest { Tokenizer = "gpt2", Ids = { ids } }, cancellationToken: Token)).Text;
        using var call = client.DetokenizeStream(cancellationToken: Token);
        async Task<DetokenizeStreamResponse> SendAsync(DetokenizeStreamRequest request)
        {
            await call.RequestStream.WriteAsync(request, Token);
            Assert.True(await call.ResponseStream.MoveNext(Token));
            return call.ResponseStream.Current;
        }

        var first = new List<string>();
        for (var i = 0; i < SmallLimitsFixture.MaxSequencesPerStream; i++)
        {
            var opened = await SendAsync(new DetokenizeStreamRequest { Tokenizer = "gpt2", SequenceId = $"open-{i}", Ids = { ids[0] } });
            Assert.Null(opened.Error);
            first.Add(opened.Text);
        }

        var over = await SendAsync(new DetokenizeStreamRequest { Tokenizer = "gpt2", SequenceId = "one-too-many", Ids = { ids } });

        Assert.Equal("one-too-many", over.SequenceId);
        Assert.Equal((int)StatusCode.ResourceExhausted, over.Error.Code);
        Assert.Equal(
            "`sequence_id` 'one-too-many' would open a sequence over the limit of 2 open sequences per DetokenizeStream; finish one first", over.Error.Message);
        var retry = Assert.Single(over.Error.Details, d => d.Is(RetryInfo.Descriptor)).Unpack<RetryInfo>();
        Assert.Equal(TimeSpan.FromSeconds(1), retry.RetryDelay.ToTimeSpan());

        // The open sequences go on where they were; once one finishes, the refused one may open.
        var rest = await SendAsync(new DetokenizeStreamRequest { SequenceId = "open-0", Ids = { ids.Skip(1) }, Finish = true });
        Assert.Null(rest.Error);
        Assert.True(rest.Finished);
        Assert.Equal(oneShot, first[0] + rest.Text);
        var now = await SendAsync(new DetokenizeStreamRequest { Tokenizer = "gpt2", SequenceId = "one-too-many", Ids = { ids }, Finish = true });
        Assert.Null(now.Error);
        Assert.Equal(oneShot, now.Text);
        await call.RequestStream.CompleteAsync();
    }
}
