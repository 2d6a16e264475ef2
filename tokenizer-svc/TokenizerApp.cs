using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Hosting;
using KazGrpc.Tokenization;
using KazGrpc.TokenizerSvc.Grpc;

namespace KazGrpc.TokenizerSvc;

/// <summary>Composition of tokenizer-svc, shared by <c>Program</c> and the functional tests.</summary>
public static class TokenizerApp
{
    /// <summary>Default gRPC address.</summary>
    public const string DefaultGrpcAddress = "127.0.0.1:50052";

    /// <summary>Default Prometheus address.</summary>
    public const string DefaultMetricsAddress = "127.0.0.1:9102";

    /// <summary>Default HTTP API address (JSON transcoding).</summary>
    public const string DefaultHttpAddress = "127.0.0.1:8081";

    /// <summary>Builds the host: hosting defaults, the tokenizer registry (loaded in the background
    /// before health reports SERVING) and the TokenizerService adapter.</summary>
    public static WebApplication Build(string[] args, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddKazGrpcHosting(new HostAddresses(DefaultGrpcAddress, DefaultHttpAddress, DefaultMetricsAddress), TokenizerService.Descriptor.FullName);
        builder.AddKazGrpcTracing("tokenizer-svc");
        builder.Services.AddOptions<TokenizationOptions>()
            .Bind(builder.Configuration.GetSection(TokenizationOptions.SectionName))
            .Validate(o => { o.Validate(); return true; })
            .ValidateOnStart();
        builder.Services.AddSingleton<TokenizerRuntime>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TokenizerRuntime>());
        builder.Services.AddSingleton<TokenizerMetrics>();

        // Stateless: one instance serves every call (unregistered, gRPC would build one per call).
        builder.Services.AddSingleton<TokenizerGrpcService>();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapKazGrpcDefaults();
        app.MapGrpcService<TokenizerGrpcService>();
        return app;
    }
}
