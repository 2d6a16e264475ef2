using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Grpc.Core;
using KazGrpc.Core;
using KazGrpc.Generation;
using KazGrpc.Hosting;
using KazGrpc.Hosting.Security;
using KazGrpc.InferenceSvc.Embeddings;
using KazGrpc.InferenceSvc.Generation;
using KazGrpc.Models;
using GenerationChunk = KazGrpc.InferenceSvc.Generation.GenerationChunk;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>
/// The OpenAI-compatible API: a thin adapter like the gRPC one, over the same domain services
/// (<see cref="EmbeddingService"/>, <see cref="GenerationService"/>) with the same validation and
/// limits. Each route is admitted as the InferenceService RPC it runs (grants, concurrency quotas,
/// audit line): <c>/v1/models</c> as ListModels and GetModel, <c>/v1/embeddings</c> as Embed, the
/// completions as Generate when streamed and Complete otherwise. Errors that happen before a response
/// begins get their HTTP status and OpenAI's error body; once a stream has begun, an error is its
/// last event before <c>[DONE]</c>. A caller that disconnects cancels the request, which stops its
/// generation and frees its KV slot.
/// </summary>
internal sealed class OpenAiEndpoints(
    ModelRegistry registry,
    EmbeddingService embeddings,
    GenerationService generation,
    AccessControl access,
    ServerMetrics metrics,
    TimeProvider time,
    ILogger<OpenAiEndpoints> logger)
{
    private const string ModelsRoute = "/v1/models";
    private const string ModelRoute = "/v1/models/{model}";
    private const string EmbeddingsRoute = "/v1/embeddings";
    private const string CompletionsRoute = "/v1/completions";
    private const string ChatRoute = "/v1/chat/completions";

    private static readonly string ListModelsRpc = Rpc("ListModels");
    private static readonly string GetModelRpc = Rpc("GetModel");
    private static readonly string EmbedRpc = Rpc("Embed");
    private static readonly string GenerateRpc = Rpc("Generate");
    private static readonly string CompleteRpc = Rpc("Complete");

    // What /v1/models reports as every model's creation time: when the API first answered.
    private readonly long _created = time.GetUtcNow().ToUnixTimeSeconds();

    public Task ListModelsAsync(HttpContext context) => RunAsync(context, ModelsRoute, ParameterNames.Embedding, async (caller, cancellationToken) =>
    {
        caller.Admit(ListModelsRpc, stream: false);
        var models = registry.Models.Where(m => caller.IsGranted(m.Name)).Select(ToObject).ToList();
        await context.Response.WriteAsJsonAsync(new ModelList(models), OpenAiJsonContext.Api.ModelList, cancellationToken: cancellationToken);
    });

    public Task GetModelAsync(HttpContext context) => RunAsync(context, ModelRoute, ParameterNames.Embedding, async (caller, cancellationToken) =>
    {
        caller.Admit(GetModelRpc, stream: false);
        var name = (string)context.GetRouteValue("model")!;
        caller.AuthorizeModel(name);
        var model = registry.Get(name, "model");
        await context.Response.WriteAsJsonAsync(ToObject(model), OpenAiJsonContext.Api.ModelObject, cancellationToken: cancellationToken);
    });

    public Task EmbeddingsAsync(HttpContext context) => RunAsync(context, EmbeddingsRoute, ParameterNames.Embedding, async (caller, cancellationToken) =>
    {
        caller.Admit(EmbedRpc, stream: false);
        var request = await ReadAsync(context, OpenAiJsonContext.Api.EmbeddingRequest, cancellationToken);
        // Only a model the caller may use: a `dimensions` error would tell it the size of any other.
        var model = request.Model is { } name && caller.IsGranted(name)
            ? registry.Models.FirstOrDefault(m => m.Name == name && m.Kind == ModelKind.Embedding)
            : null;
        var (command, base64) = OpenAiRequests.ToCommand(request, model?.Dimensions, RequestId(context, caller), Priority(context));
        var result = await embeddings.EmbedAsync(command with { Caller = caller }, cancellationToken);
        var data = new EmbeddingObject[result.Vectors.Count];
        for (var i = 0; i < data.Length; i++)
        {
            data[i] = new EmbeddingObject(i, base64 ? Convert.ToBase64String(MemoryMarshal.AsBytes(result.Vectors[i].AsSpan())) : result.Vectors[i]);
        }

        var usage = new UsageObject(result.PromptTokens, null, result.PromptTokens);
        await context.Response.WriteAsJsonAsync(new EmbeddingResponse(data, command.Model, usage), OpenAiJsonContext.Api.EmbeddingResponse, cancellationToken: cancellationToken);
    });

    public Task CompletionsAsync(HttpContext context) => RunAsync(context, CompletionsRoute, ParameterNames.Completion, async (caller, cancellationToken) =>
    {
        var request = await ReadAsync(context, OpenAiJsonContext.Api.CompletionRequest, cancellationToken);
        caller.Admit(request.Stream == true ? GenerateRpc : CompleteRpc, stream: request.Stream == true);
        var (command, logprobs) = OpenAiRequests.ToCommand(request, RequestId(context, caller), Priority(context));
        command = command with { Caller = caller };
        var id = $"cmpl-{command.RequestId}";
        var created = time.GetUtcNow().ToUnixTimeSeconds();
        await using var updates = generation.GenerateAsync(command, cancellationToken).GetAsyncEnumerator(cancellationToken);
        // Validation, the prompt's tokens and admission all come before the first update: an error
        // there still gets its own HTTP status.
        var any = await updates.MoveNextAsync();
        if (request.Stream == true)
        {
            ServerSentEvents.Begin(context.Response);
            for (; any; any = await updates.MoveNextAsync())
            {
                switch (updates.Current)
                {
                    case GenerationChunk chunk when chunk.Text.Length > 0 || (logprobs is not null && chunk.Tokens.Count > 0):
                        await WriteEventAsync(context, new CompletionResponse(
                            id, created, command.Model, [new CompletionChoice(0, chunk.Text, CompletionLogprobs(chunk.Tokens, logprobs), null)], null),
                            OpenAiJsonContext.Api.CompletionResponse, cancellationToken);
                        break;
                    case GenerationSummary summary:
                        await WriteEventAsync(context, new CompletionResponse(
                            id, created, command.Model, [new CompletionChoice(0, string.Empty, null, OpenAiRequests.FinishReason(summary.FinishReason))], null),
                            OpenAiJsonContext.Api.CompletionResponse, cancellationToken);
                        if (request.StreamOptions?.IncludeUsage == true)
                        {
                            await WriteEventAsync(context, new CompletionResponse(id, created, command.Model, [], Usage(summary)),
                                OpenAiJsonContext.Api.CompletionResponse, cancellationToken);
                        }

                        break;
                }
            }

            await ServerSentEvents.WriteDoneAsync(context.Response, cancellationToken);
            return;
        }

        var (text, tokens, end) = await CollectAsync(updates, any);
        var choice = new CompletionChoice(0, text, CompletionLogprobs(tokens, logprobs), OpenAiRequests.FinishReason(end.FinishReason));
        await context.Response.WriteAsJsonAsync(new CompletionResponse(id, created, command.Model, [choice], Usage(end)),
            OpenAiJsonContext.Api.CompletionResponse, cancellationToken: cancellationToken);
    });

    public async Task ChatCompletionsAsync(HttpContext context)
    {
        // The names are built only for an error; they depend on which length limit the body used.
        var maxTokens = "max_tokens";
        await RunAsync(context, ChatRoute, () => ParameterNames.Chat(maxTokens), async (caller, cancellationToken) =>
        {
            var request = await ReadAsync(context, OpenAiJsonContext.Api.ChatCompletionRequest, cancellationToken);
            caller.Admit(request.Stream == true ? GenerateRpc : CompleteRpc, stream: request.Stream == true);
            if (request.MaxCompletionTokens is not null)
            {
                maxTokens = "max_completion_tokens";
            }

            var (command, logprobs) = OpenAiRequests.ToCommand(request, RequestId(context, caller), Priority(context));
            command = command with { Caller = caller };
            var id = $"chatcmpl-{command.RequestId}";
            var created = time.GetUtcNow().ToUnixTimeSeconds();
            await using var updates = generation.GenerateAsync(command, cancellationToken).GetAsyncEnumerator(cancellationToken);
            var any = await updates.MoveNextAsync();
            if (request.Stream == true)
            {
                ServerSentEvents.Begin(context.Response);
                await WriteEventAsync(context, new ChatCompletionChunk(
                    id, created, command.Model, [new ChatChunkChoice(0, new ChatMessageOutput("assistant", string.Empty), null, null)], null),
                    OpenAiJsonContext.Api.ChatCompletionChunk, cancellationToken);
                for (; any; any = await updates.MoveNextAsync())
                {
                    switch (updates.Current)
                    {
                        case GenerationChunk chunk when chunk.Text.Length > 0 || (logprobs is not null && chunk.Tokens.Count > 0):
                            await WriteEventAsync(context, new ChatCompletionChunk(
                                id, created, command.Model, [new ChatChunkChoice(0, new ChatMessageOutput(null, chunk.Text), ChatLogprobs(chunk.Tokens, logprobs), null)], null),
                                OpenAiJsonContext.Api.ChatCompletionChunk, cancellationToken);
                            break;
                        case GenerationSummary summary:
                            await WriteEventAsync(context, new ChatCompletionChunk(
                                id, created, command.Model, [new ChatChunkChoice(0, new ChatMessageOutput(null, null), null, OpenAiRequests.FinishReason(summary.FinishReason))], null),
                                OpenAiJsonContext.Api.ChatCompletionChunk, cancellationToken);
                            if (request.StreamOptions?.IncludeUsage == true)
                            {
                                await WriteEventAsync(context, new ChatCompletionChunk(id, created, command.Model, [], Usage(summary)),
                                    OpenAiJsonContext.Api.ChatCompletionChunk, cancellationToken);
                            }

                            break;
                    }
                }

                await ServerSentEvents.WriteDoneAsync(context.Response, cancellationToken);
                return;
            }

            var (text, tokens, end) = await CollectAsync(updates, any);
            var choice = new ChatChoice(0, new ChatMessageOutput("assistant", text), ChatLogprobs(tokens, logprobs), OpenAiRequests.FinishReason(end.FinishReason));
            await context.Response.WriteAsJsonAsync(new ChatCompletionResponse(id, created, command.Model, [choice], Usage(end)),
                OpenAiJsonContext.Api.ChatCompletionResponse, cancellationToken: cancellationToken);
        });
    }

    private static async Task<T> ReadAsync<T>(HttpContext context, JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        // Read whatever the Content-Type says: curl's -d sends form encoding unless told otherwise.
        return await JsonSerializer.DeserializeAsync(context.Request.Body, type, cancellationToken)
            ?? throw new JsonException("the request body is null", null, null, null);
    }

    /// <summary>The whole output of a generation whose first update, if <paramref name="any"/>, is current.</summary>
    private static async Task<(string Text, List<SampledToken> Tokens, GenerationSummary Summary)> CollectAsync(IAsyncEnumerator<GenerationUpdate> updates, bool any)
    {
        var text = new StringBuilder();
        var tokens = new List<SampledToken>();
        GenerationSummary? final = null;
        for (; any; any = await updates.MoveNextAsync())
        {
            switch (updates.Current)
            {
                case GenerationChunk chunk:
                    text.Append(chunk.Text);
                    tokens.AddRange(chunk.Tokens);
                    break;
                case GenerationSummary summary:
                    final = summary;
                    break;
            }
        }

        return (text.ToString(), tokens, final ?? throw new InvalidOperationException("the generation ended without its summary"));
    }

    private static Task WriteEventAsync<T>(HttpContext context, T value, JsonTypeInfo<T> type, CancellationToken cancellationToken) =>
        ServerSentEvents.WriteAsync(context.Response, value, type, cancellationToken);

    /// <summary>The caller's <c>X-Request-Id</c> (so that Abort can reach the request), or a new one; echoed in the response and audited.</summary>
    private static string RequestId(HttpContext context, CallerScope caller)
    {
        var id = context.Request.Headers[OpenAiRequests.RequestIdHeader].ToString();
        if (id.Length == 0)
        {
            id = Guid.NewGuid().ToString("N");
        }

        context.Response.Headers[OpenAiRequests.RequestIdHeader] = id;
        caller.RequestId = id;
        return id;
    }

    private static string Rpc(string method) => $"{Contracts.Inference.V1.InferenceService.Descriptor.FullName}/{method}";

    private static RequestedPriority? Priority(HttpContext context) =>
        context.Request.Headers[OpenAiRequests.PriorityHeader].ToString() is { Length: > 0 } value ? new RequestedPriority(OpenAiRequests.PriorityHeader, value) : null;

    private static UsageObject Usage(GenerationSummary summary) =>
        new(summary.PromptTokens, summary.CompletionTokens, summary.PromptTokens + summary.CompletionTokens);

    private static string TokenName(int id) => $"token_id:{id}";

    // JSON has no NaN or infinity; a banned token's -inf is written as OpenAI writes "no chance".
    private static float Finite(float logprob) => float.IsFinite(logprob) ? logprob : -9999f;

    private static CompletionLogprobs? CompletionLogprobs(IReadOnlyList<SampledToken> tokens, int? top) => top is not { } n ? null : new(
        [.. tokens.Select(t => TokenName(t.TokenId))],
        [.. tokens.Select(t => Finite(t.Logprob))],
        [.. tokens.Select(t => t.TopLogprobs.Take(n).ToDictionary(a => TokenName(a.TokenId), a => Finite(a.Logprob)))]);

    private static ChatLogprobs? ChatLogprobs(IReadOnlyList<SampledToken> tokens, int? top) => top is not { } n ? null : new(
        [.. tokens.Select(t => new ChatTokenLogprob(TokenName(t.TokenId), Finite(t.Logprob),
            [.. t.TopLogprobs.Take(n).Select(a => new ChatTopLogprob(TokenName(a.TokenId), Finite(a.Logprob)))]))]);

    private ModelObject ToObject(ModelEntry model) => new(model.Name, _created, model.MaxContextTokens);

    /// <summary>Runs one call: authenticates its caller, records it in the server's metrics under
    /// <paramref name="route"/> and in the audit log, and answers its error (OpenAI's shape, in the
    /// request's <paramref name="names"/>) or logs the caller's leaving.</summary>
    private async Task RunAsync(HttpContext context, string route, Func<ParameterNames> names, Func<CallerScope, CancellationToken, Task> body)
    {
        var started = time.GetTimestamp();
        var cancellationToken = context.RequestAborted;
        var code = StatusCode.OK;
        var caller = access.Begin(context, $"{context.Request.Method} {route}", "http");
        try
        {
            await access.AuthenticateAsync(caller, context);
            await body(caller, cancellationToken);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            code = StatusCode.Cancelled;
            OpenAiLog.CallerLeft(logger, route);
        }
        catch (Exception ex)
        {
            var errorId = StatusMapper.NewErrorId();
            var failure = OpenAiErrors.From(ex, errorId, names());
            code = failure.Code;
            Log(ex, route, errorId, failure);
            await AnswerAsync(context, failure, cancellationToken);
        }
        finally
        {
            metrics.Completed(route, code, time.GetElapsedTime(started));
            access.End(caller, code);
        }
    }

    private void Log(Exception exception, string route, string errorId, OpenAiFailure failure)
    {
        if (exception is ExecutionFailedException)
        {
            OpenAiLog.ExecutionFailed(logger, exception, route, errorId);
        }
        else if (StatusMapper.IsExpected(exception) || exception is JsonException)
        {
            OpenAiLog.Rejected(logger, route, failure.HttpStatus, failure.Body.Message);
        }
        else
        {
            OpenAiLog.Unexpected(logger, exception, route, errorId);
        }
    }

    private async Task AnswerAsync(HttpContext context, OpenAiFailure failure, CancellationToken cancellationToken)
    {
        var response = context.Response;
        try
        {
            if (response.HasStarted)
            {
                // The status line is gone: the stream's last event says what failed, as OpenAI's and vLLM's do.
                await ServerSentEvents.WriteAsync(response, new ErrorResponse(failure.Body), OpenAiJsonContext.Api.ErrorResponse, cancellationToken);
                await ServerSentEvents.WriteDoneAsync(response, cancellationToken);
                return;
            }

            var requestId = response.Headers[OpenAiRequests.RequestIdHeader];
            response.Clear();
            response.Headers[OpenAiRequests.RequestIdHeader] = requestId;
            response.StatusCode = failure.HttpStatus;
            if (failure.HttpStatus == StatusCodes.Status401Unauthorized)
            {
                response.Headers.WWWAuthenticate = "Bearer";
            }

            if (failure.RetryAfter is { } delay)
            {
                response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            await response.WriteAsJsonAsync(new ErrorResponse(failure.Body), OpenAiJsonContext.Api.ErrorResponse, cancellationToken: cancellationToken);
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException or IOException)
        {
            OpenAiLog.CallerLeft(logger, context.Request.Path);
        }
    }
}
