using System.Collections.Concurrent;
using System.Diagnostics;
using KazGrpc.Batching;
using KazGrpc.Core;
using KazGrpc.Hosting;
using KazGrpc.Models;
using Microsoft.Extensions.Options;

namespace KazGrpc.InferenceSvc.Embeddings;

/// <summary>
/// One dynamic batcher per embedding model, created on first use, executing padded batches on
/// the model's encoder. An execution failure puts the model back to Loading, so that the runtime
/// warms it through the whole path again before it serves. Each batch runs in a
/// <c>kazgrpc.model.execute</c> span, the child of the batcher's <c>kazgrpc.batch</c> span.
/// </summary>
public sealed class EmbeddingBatchers(
    IOptions<DynamicBatcherOptions> options, TimeProvider time, ILoggerFactory loggers, InferenceSignals signals, BatcherMetrics metrics, ServerTracing tracing)
    : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<DynamicBatcher<int[], float[]>>> _batchers = new(StringComparer.Ordinal);

    /// <summary>The batcher of <paramref name="model"/>.</summary>
    public DynamicBatcher<int[], float[]> Get(ModelEntry model) =>
        _batchers.GetOrAdd(model.Name, _ => new Lazy<DynamicBatcher<int[], float[]>>(() => Create(model))).Value;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var batcher in _batchers.Values.Where(b => b.IsValueCreated))
        {
            await batcher.Value.DisposeAsync();
        }
    }

    private DynamicBatcher<int[], float[]> Create(ModelEntry model) => new(
        model.Name,
        (batch, cancellationToken) =>
        {
            var encoder = model.Runtime as IEncoder ?? throw new InvalidOperationException($"model {model.Name} has no encoder loaded");
            using var span = tracing.Source.StartActivity("kazgrpc.model.execute");
            if (span is not null)
            {
                span.SetTag("kazgrpc.model", model.Name);
                span.SetTag("kazgrpc.execution_provider", model.Provider);
                span.SetTag("kazgrpc.batch.size", batch.Count);
                span.SetTag("kazgrpc.sequence_length", batch.Max(ids => ids.Length));
            }

            try
            {
                return ValueTask.FromResult<IReadOnlyList<float[]>>(encoder.Embed(batch, cancellationToken));
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                span.SetError(ex.GetType().Name);
                model.Set(ModelState.Loading, "warming up again after an execution failure");
                signals.Changed();
                throw;
            }
        },
        options.Value,
        time,
        loggers.CreateLogger("KazGrpc.Batching.DynamicBatcher"),
        metrics,
        tracing.Source);
}
