using System.Collections.Frozen;
using System.Text.Json;
using KazGrpc.Core;
using KazGrpc.ModelForge;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KazGrpc.Models;

/// <summary>
/// The models of the models directory by name. <see cref="Discover"/> lists them at once (state
/// Loading); <see cref="LoadAsync"/> loads each on its own, so that a model that fails to load is
/// Failed with the reason and the others serve. Disposes the runtimes it loaded.
/// </summary>
public sealed partial class ModelRegistry : IDisposable
{
    private readonly SessionFactory _sessions;
    private readonly ILogger<ModelRegistry> _logger;
    private readonly FrozenDictionary<string, ModelEntry> _models;

    // The kazgrpc.json of each embedding model, read once at discovery and used again to load it.
    private readonly FrozenDictionary<string, EmbeddingModelConfig> _configs;

    /// <summary>Discovers the model directories (nothing is loaded yet).</summary>
    public ModelRegistry(IOptions<ModelRegistryOptions> options, SessionFactory sessions, ILogger<ModelRegistry> logger)
    {
        _sessions = sessions;
        _logger = logger;
        var discovered = Discover(options.Value.ModelsDirectory, logger);
        _models = discovered.ToFrozenDictionary(d => d.Entry.Name, d => d.Entry, StringComparer.Ordinal);
        _configs = discovered.Where(d => d.Config is not null).ToFrozenDictionary(d => d.Entry.Name, d => d.Config!, StringComparer.Ordinal);
    }

    /// <summary>Every model, ordered by name.</summary>
    public IReadOnlyList<ModelEntry> Models => [.. _models.Values.OrderBy(m => m.Name, StringComparer.Ordinal)];

    /// <summary>The model called <paramref name="name"/>, as the request field <paramref name="field"/>
    /// gave it: INVALID_ARGUMENT when it is empty, NOT_FOUND (listing the models that exist) when no model has that name.</summary>
    public ModelEntry Get(string name, string field = "name")
    {
        FieldRules.Required(name, field);
        return _models.TryGetValue(name, out var model) ? model : throw new ResourceNotFoundException("model", name, _models.Keys);
    }

    /// <summary>Loads every embedding model (one at a time; each failure is contained).</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        foreach (var model in Models)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (model.Kind != ModelKind.Embedding)
            {
                model.Set(ModelState.Failed, "generation models are not served by this version of inference-svc");
                continue;
            }

            if (!_configs.TryGetValue(model.Name, out var config))
            {
                // Its kazgrpc.json could not be read: discovery marked it Failed with the reason.
                continue;
            }

            try
            {
                var encoder = await Task.Run(() => EncoderModel.Load(model.Directory, config, _sessions), cancellationToken).ConfigureAwait(false);
                model.Set(ModelState.Loading, runtime: encoder);
                Loaded(_logger, model.Name, encoder.Provider, encoder.PoolsOnDevice ? "on the device (IOBinding)" : "on the host");
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                model.Set(ModelState.Failed, ex.Message);
                LoadFailed(_logger, ex, model.Name);
            }
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var model in _models.Values)
        {
            model.Runtime?.Dispose();
        }
    }

    private static List<(ModelEntry Entry, EmbeddingModelConfig? Config)> Discover(string root, ILogger logger)
    {
        var models = new List<(ModelEntry, EmbeddingModelConfig?)>();
        if (!System.IO.Directory.Exists(root))
        {
            NoDirectory(logger, root);
            return models;
        }

        foreach (var directory in System.IO.Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            if (!File.Exists(Path.Combine(directory, "model.onnx")))
            {
                continue;
            }

            var name = Path.GetFileName(directory);
            var genai = Path.Combine(directory, "genai_config.json");
            if (File.Exists(genai))
            {
                models.Add((new ModelEntry(name, directory, ModelKind.Generation, name, ReadContextLength(genai)), null));
                continue;
            }

            EmbeddingModelConfig config;
            try
            {
                config = EmbeddingModelConfig.Read(directory);
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException)
            {
                var failed = new ModelEntry(name, directory, ModelKind.Embedding, name, 0);
                failed.Set(ModelState.Failed, ex.Message);
                models.Add((failed, null));
                continue;
            }

            var kind = config.Kind == "generation" ? ModelKind.Generation : ModelKind.Embedding;
            models.Add((new ModelEntry(name, directory, kind, config.Tokenizer ?? name, config.MaxTokens, config.Dimensions), config));
        }

        return models;
    }

    private static int ReadContextLength(string genaiConfig)
    {
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllText(genaiConfig));
            return document.RootElement.TryGetProperty("model", out var model) && model.TryGetProperty("context_length", out var length) ? length.GetInt32() : 0;
        }
        catch (JsonException)
        {
            return 0;
        }
    }

    [LoggerMessage(1, LogLevel.Information, "Loaded model {Name} on {Provider}, pooling {Pooling}")]
    private static partial void Loaded(ILogger logger, string name, string provider, string pooling);

    [LoggerMessage(2, LogLevel.Error, "Model {Name} failed to load; the others are unaffected")]
    private static partial void LoadFailed(ILogger logger, Exception exception, string name);

    [LoggerMessage(3, LogLevel.Warning, "Models directory {Directory} does not exist; no models are served")]
    private static partial void NoDirectory(ILogger logger, string directory);
}
