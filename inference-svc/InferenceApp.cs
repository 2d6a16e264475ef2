using KazGrpc.Batching;
using KazGrpc.Client;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Hosting;
using KazGrpc.Generation;
using KazGrpc.InferenceSvc.Embeddings;
using KazGrpc.InferenceSvc.Generation;
using KazGrpc.InferenceSvc.Grpc;
using KazGrpc.InferenceSvc.OpenAi;
using KazGrpc.InferenceSvc.Tokenizer;
using KazGrpc.Models;

namespace KazGrpc.InferenceSvc;

/// <summary>Composition of inference-svc, shared by <c>Program</c> and the functional tests.</summary>
public static class InferenceApp
{
    /// <summary>Default gRPC address.</summary>
    public const string DefaultGrpcAddress = "127.0.0.1:50051";

    /// <summary>Default Prometheus address.</summary>
    public const string DefaultMetricsAddress = "127.0.0.1:9101";

    /// <summary>Default HTTP API address (JSON transcoding, OpenAI-compatible API).</summary>
    public const string DefaultHttpAddress = "127.0.0.1:8080";

    /// <summary>Builds the host: hosting defaults, the tokenizer hop, models, batchers, the InferenceService
    /// adapter (gRPC, and JSON transcoding on the HTTP API endpoint) and the OpenAI-compatible API.</summary>
    /// <param name="args">Command-line arguments (configuration overrides).</param>
    /// <param name="configure">Called last before building, e.g. to add a log provider in tests.</param>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddKazGrpcHosting(new HostAddresses(DefaultGrpcAddress, DefaultHttpAddress, DefaultMetricsAddress), InferenceService.Descriptor.FullName);
        builder.AddKazGrpcTracing("inference-svc");
        builder.AddTokenizerHop();
        builder.AddModels();
        builder.AddEmbeddings();
        builder.AddGeneration();
        builder.Services.AddOpenAiApi();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapKazGrpcDefaults();
        app.MapGrpcService<InferenceGrpcService>();
        app.MapOpenAiApi();
        return app;
    }

    private static void AddTokenizerHop(this WebApplicationBuilder builder)
    {
        // The code after the hop only queues the ids for the batcher: callers resume inline (Tokenizer:InlineCompletions).
        builder.Services.AddTokenizerClient(builder.Configuration, o => o.InlineCompletions = true);
        builder.Services.AddSingleton<TokenizerHealth>();
        builder.Services.AddSingleton<TokenizerGateway>();
        builder.Services.AddHostedService<TokenizerHealthMonitor>();
    }

    private static void AddModels(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<OnnxRuntimeOptions>().Bind(builder.Configuration.GetSection(OnnxRuntimeOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        builder.Services.AddOptions<ModelRegistryOptions>().Bind(builder.Configuration.GetSection(ModelRegistryOptions.SectionName));
        builder.Services.AddOptions<KvCacheOptions>().Bind(builder.Configuration.GetSection(KvCacheOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        builder.Services.AddSingleton<SessionFactory>();
        builder.Services.AddSingleton<ModelRegistry>();
    }

    private static void AddEmbeddings(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<DynamicBatcherOptions>().Bind(builder.Configuration.GetSection(DynamicBatcherOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        builder.Services.AddOptions<EmbeddingOptions>().Bind(builder.Configuration.GetSection(EmbeddingOptions.SectionName));
        builder.Services.AddSingleton(sp => new BatcherMetrics(sp.GetRequiredService<ServerMetrics>().Meter));
        builder.Services.AddSingleton<InferenceMetrics>();
        builder.Services.AddSingleton<InferenceSignals>();
        builder.Services.AddSingleton<EmbeddingBatchers>();
        builder.Services.AddSingleton<EmbeddingService>();

        // Stateless: one instance serves every call (unregistered, gRPC would build one per call).
        builder.Services.AddSingleton<InferenceGrpcService>();
        builder.Services.AddHostedService<InferenceRuntime>();
    }

    private static void AddGeneration(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GenerationEngineOptions>().Bind(builder.Configuration.GetSection(GenerationEngineOptions.SectionName))
            .Validate(o => { o.Validate(); return true; }).ValidateOnStart();
        builder.Services.AddSingleton(sp => new GenerationMetrics(sp.GetRequiredService<ServerMetrics>().Meter));
        builder.Services.AddSingleton<GenerationEngines>();
        builder.Services.AddSingleton<RequestTracker>();
        builder.Services.AddSingleton<GenerationService>();
    }
}
