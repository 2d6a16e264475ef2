using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Bench;

/// <summary>
/// One TokenizeStream with up to <c>inFlight</c> requests outstanding: one loop writes requests,
/// another reads responses (which may arrive in any order) and matches them by <c>request_id</c>.
/// </summary>
internal sealed class StreamLoad(TokenizerService.TokenizerServiceClient client, string tokenizer, int inFlight, int batchSize, TimeSpan streamTimeout)
    : ITokenizeLoad
{
    /// <inheritdoc />
    public async Task RunAsync(TextPool pool, LoadRecorder recorder, CancellationToken stop, CancellationToken abort)
    {
        using var failed = CancellationTokenSource.CreateLinkedTokenSource(abort);
        using var window = new SemaphoreSlim(inFlight, inFlight);
        using var call = client.TokenizeStream(deadline: DateTime.UtcNow + streamTimeout, cancellationToken: abort);
        var pending = new ConcurrentDictionary<string, TextBatch>(StringComparer.Ordinal);

        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var response in call.ResponseStream.ReadAllAsync(abort).ConfigureAwait(false))
                {
                    if (!pending.TryRemove(response.RequestId, out var batch))
                    {
                        throw new InvalidOperationException($"TokenizeStream answered request_id '{response.RequestId}', which is not in flight");
                    }

                    recorder.Completed(batch.Texts.Count, batch.Bytes, ResponseCheck.Tokens(response, batch.Texts.Count));
                    window.Release();
                }
            }
            catch
            {
                // Unblocks the writer, which may be waiting for a window slot that will never free up.
                await failed.CancelAsync().ConfigureAwait(false);
                throw;
            }
        }, abort);

        long sequence = 0;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await window.WaitAsync(failed.Token).ConfigureAwait(false);
                if (!pool.TryTake(batchSize, out var batch))
                {
                    recorder.PoolEmpty();
                    break;
                }

                var request = new TokenizeRequest { Tokenizer = tokenizer, RequestId = (++sequence).ToString(CultureInfo.InvariantCulture) };
                request.Texts.Add(batch.Texts);
                pending[request.RequestId] = batch;
                await call.RequestStream.WriteAsync(request, failed.Token).ConfigureAwait(false);
            }

            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (failed.IsCancellationRequested && !abort.IsCancellationRequested)
        {
            // The reader failed; its exception is the one to report.
        }

        await reader.ConfigureAwait(false);
        if (!pending.IsEmpty)
        {
            throw new InvalidOperationException($"TokenizeStream ended with {pending.Count} requests unanswered");
        }
    }
}
