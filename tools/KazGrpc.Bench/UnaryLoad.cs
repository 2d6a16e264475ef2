using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Bench;

/// <summary>Concurrent callers, each sending one unary Tokenize call after another over a shared channel.</summary>
internal sealed class UnaryLoad(TokenizerService.TokenizerServiceClient client, string tokenizer, int callers, int batchSize, TimeSpan callTimeout)
    : ITokenizeLoad
{
    /// <inheritdoc />
    public Task RunAsync(TextPool pool, LoadRecorder recorder, CancellationToken stop, CancellationToken abort)
    {
        var loops = new Task[callers];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = Task.Run(() => LoopAsync(pool, recorder, stop, abort), abort);
        }

        return Task.WhenAll(loops);
    }

    private async Task LoopAsync(TextPool pool, LoadRecorder recorder, CancellationToken stop, CancellationToken abort)
    {
        while (!stop.IsCancellationRequested)
        {
            if (!pool.TryTake(batchSize, out var batch))
            {
                recorder.PoolEmpty();
                return;
            }

            var request = new TokenizeRequest { Tokenizer = tokenizer };
            request.Texts.Add(batch.Texts);
            var response = await client.TokenizeAsync(request, deadline: DateTime.UtcNow + callTimeout, cancellationToken: abort).ConfigureAwait(false);
            recorder.Completed(batch.Texts.Count, batch.Bytes, ResponseCheck.Tokens(response, batch.Texts.Count));
        }
    }
}
