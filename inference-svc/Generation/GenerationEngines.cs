using System.Collections.Concurrent;
using KazGrpc.Generation;
using KazGrpc.Hosting;
using KazGrpc.Models;
using Microsoft.Extensions.Options;

namespace KazGrpc.InferenceSvc.Generation;

/// <summary>One generation engine per loaded decoder, created on first use and reported to the metrics' gauges.</summary>
public sealed class GenerationEngines(
    IOptions<GenerationEngineOptions> options, TimeProvider time, ILoggerFactory loggers, GenerationMetrics metrics, ServerTracing tracing) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, Lazy<GenerationEngine>> _engines = new(StringComparer.Ordinal);

    /// <summary>Scheduling settings shared by every engine.</summary>
    public GenerationEngineOptions Options => options.Value;

    /// <summary>The engine of <paramref name="model"/>, whose runtime must be loaded.</summary>
    public GenerationEngine Get(ModelEntry model) =>
        _engines.GetOrAdd(model.Name, _ => new Lazy<GenerationEngine>(() => Create(model))).Value;

    /// <summary>The engine of <paramref name="model"/> if one was created.</summary>
    public GenerationEngine? Find(string model) =>
        _engines.TryGetValue(model, out var engine) && engine.IsValueCreated ? engine.Value : null;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        foreach (var (name, engine) in _engines)
        {
            if (engine.IsValueCreated)
            {
                metrics.Untrack(name);
                await engine.Value.DisposeAsync();
            }
        }
    }

    private GenerationEngine Create(ModelEntry model)
    {
        var decoder = model.Runtime as IDecoder ?? throw new InvalidOperationException($"model {model.Name} has no decoder loaded");
        var engine = new GenerationEngine(
            model.Name, decoder, options.Value, time, loggers.CreateLogger("KazGrpc.Generation.GenerationEngine"), metrics, tracing.Source);
        metrics.Track(model.Name, () => engine.Status);
        return engine;
    }
}
