using KazGrpc.Tokenization;

namespace KazGrpc.Bench;

/// <summary>
/// Calls <see cref="TokenizationService.TokenizeAsync"/> directly from one loop per encoder of the
/// tokenizer's pool: the encoding ceiling with no transport.
/// </summary>
internal sealed class InProcessLoad(TokenizationService service, string tokenizer, int batchSize) : ITokenizeLoad
{
    /// <inheritdoc />
    public Task RunAsync(TextPool pool, LoadRecorder recorder, CancellationToken stop, CancellationToken abort)
    {
        // As many loops as the tokenizer has encoders: each keeps one encoder busy.
        var loops = new Task[service.Limits.WorkersPerTokenizer];
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

            var results = await service.TokenizeAsync(new TokenizeCommand { Tokenizer = tokenizer, Texts = batch.Texts }, abort).ConfigureAwait(false);
            long tokens = 0;
            foreach (var result in results)
            {
                tokens += result.Ids.Length;
            }

            recorder.Completed(results.Length, batch.Bytes, tokens);
        }
    }
}
