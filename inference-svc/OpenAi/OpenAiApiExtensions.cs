using KazGrpc.Hosting;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>The OpenAI-compatible API of inference-svc, served on the HTTP API endpoint only
/// (<c>Hosting:HttpAddress</c>): <c>GET /v1/models</c>, <c>GET /v1/models/{model}</c>,
/// <c>POST /v1/embeddings</c>, <c>POST /v1/completions</c>, <c>POST /v1/chat/completions</c>.</summary>
public static class OpenAiApiExtensions
{
    /// <summary>Adds the API's handlers (they use the domain services the host registers).</summary>
    public static IServiceCollection AddOpenAiApi(this IServiceCollection services)
    {
        services.AddSingleton<OpenAiEndpoints>();
        return services;
    }

    /// <summary>Maps the API's routes under <c>/v1</c>, on the HTTP API endpoint only.</summary>
    public static IEndpointRouteBuilder MapOpenAiApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/v1").RequireListener(ListenerKind.Http);
        api.MapGet("/models", context => Handlers(context).ListModelsAsync(context));
        api.MapGet("/models/{model}", context => Handlers(context).GetModelAsync(context));
        api.MapPost("/embeddings", context => Handlers(context).EmbeddingsAsync(context));
        api.MapPost("/completions", context => Handlers(context).CompletionsAsync(context));
        api.MapPost("/chat/completions", context => Handlers(context).ChatCompletionsAsync(context));
        return endpoints;
    }

    private static OpenAiEndpoints Handlers(HttpContext context) => context.RequestServices.GetRequiredService<OpenAiEndpoints>();
}
