using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Net.Client;
using Grpc.Net.Client.Configuration;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Contracts.Tokenizer.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KazGrpc.Client;

/// <summary>
/// The client for callers of KazGrpc: one typed method per RPC of inference-svc and tokenizer-svc,
/// each with a deadline (<see cref="KazGrpcClientOptions.Timeout"/>, or
/// <see cref="KazGrpcClientOptions.GenerateTimeout"/> for Generate) and, for the idempotent RPCs only,
/// retries on UNAVAILABLE through gRPC's service config. Errors surface as <see cref="RpcException"/>
/// with the service's status and message; <c>ex.GetRpcStatus()</c> (Grpc.StatusProto) reads the
/// rich details (BadRequest field violations, RetryInfo). Thread-safe; create one per process
/// (<see cref="KazGrpcClientServiceCollectionExtensions.AddKazGrpcClient"/> registers it as a
/// singleton) and dispose it last: it owns its channels.
/// </summary>
public sealed class KazGrpcClient : IDisposable
{
    private readonly KazGrpcClientOptions _options;
    private readonly TimeProvider _time;
    private readonly GrpcChannel _inferenceChannel;
    private readonly GrpcChannel _tokenizerChannel;
    private readonly ClientTls? _tls;

    /// <summary>Creates the client; no connection is made until the first call.</summary>
    /// <param name="options">Addresses, deadlines, retries and TLS; validated here, TLS files loaded.</param>
    /// <param name="time">The clock deadlines are set from and certificates are judged by; the system's by default.</param>
    /// <param name="logger">Where TLS files' loads and reloads are logged; none by default.</param>
    /// <exception cref="InvalidOperationException">An option is out of range or a TLS file does not load.</exception>
    public KazGrpcClient(IOptions<KazGrpcClientOptions> options, TimeProvider? time = null, ILogger<KazGrpcClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _options.Validate();
        _time = time ?? TimeProvider.System;
        _tls = ClientTls.Create(_options.Tls, $"{KazGrpcClientOptions.SectionName}:{nameof(KazGrpcClientOptions.Tls)}", _time, (ILogger?)logger ?? NullLogger.Instance);
        _inferenceChannel = _options.InferenceTarget().CreateChannel(InferenceRetryConfig(_options), _tls);
        _tokenizerChannel = _options.TokenizerTarget().CreateChannel(TokenizerRetryConfig(_options), _tls);
        Inference = new InferenceService.InferenceServiceClient(ApiKeyCredential.Invoker(_inferenceChannel, _options.ApiKey));
        Tokenizer = new TokenizerService.TokenizerServiceClient(ApiKeyCredential.Invoker(_tokenizerChannel, _options.ApiKey));
    }

    /// <summary>Creates the client from options set in code.</summary>
    public KazGrpcClient(KazGrpcClientOptions options)
        : this(Options.Create(options))
    {
    }

    /// <summary>The generated inference-svc client on this client's channel, for calls the typed methods do not cover.</summary>
    public InferenceService.InferenceServiceClient Inference { get; }

    /// <summary>The generated tokenizer-svc client on this client's channel (TokenizeStream, DetokenizeStream).</summary>
    public TokenizerService.TokenizerServiceClient Tokenizer { get; }

    /// <summary>Lists inference-svc's models with their state.</summary>
    public async Task<IReadOnlyList<ModelInfo>> ListModelsAsync(CancellationToken cancellationToken = default) =>
        (await Inference.ListModelsAsync(new ListModelsRequest(), Unary(cancellationToken))).Models;

    /// <summary>One model's description; NOT_FOUND names the models that exist.</summary>
    public Task<ModelInfo> GetModelAsync(string name, CancellationToken cancellationToken = default) =>
        Inference.GetModelAsync(new GetModelRequest { Name = name }, Unary(cancellationToken)).ResponseAsync;

    /// <summary>Embeds <paramref name="inputs"/> with <paramref name="model"/>, L2-normalised; one vector per input, in order.</summary>
    public Task<EmbedResponse> EmbedAsync(string model, IEnumerable<string> inputs, CancellationToken cancellationToken = default) =>
        EmbedAsync(new EmbedRequest { Model = model, Inputs = { inputs } }, cancellationToken);

    /// <summary>Embed with every field of the request (normalize, truncate).</summary>
    public Task<EmbedResponse> EmbedAsync(EmbedRequest request, CancellationToken cancellationToken = default) =>
        Inference.EmbedAsync(request, Unary(cancellationToken)).ResponseAsync;

    /// <summary>
    /// Generates from <paramref name="prompt"/> and yields the chunks as they are decoded, then the
    /// final message (finish reason, usage, timings). Stopping the enumeration or cancelling
    /// <paramref name="cancellationToken"/> stops the generation on the server.
    /// </summary>
    public IAsyncEnumerable<GenerateResponse> GenerateAsync(string model, string prompt, GenerationParameters? parameters = null, CancellationToken cancellationToken = default) =>
        GenerateAsync(new GenerateRequest { Model = model, Prompt = prompt, Parameters = parameters }, cancellationToken);

    /// <summary>Generate with every field of the request: chat <c>messages</c> or <c>token_ids</c> instead of a prompt, a request id, a priority.</summary>
    public async IAsyncEnumerable<GenerateResponse> GenerateAsync(GenerateRequest request, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var call = Inference.Generate(request, new CallOptions(deadline: Deadline(_options.GenerateTimeout), cancellationToken: cancellationToken));
        await foreach (var response in call.ResponseStream.ReadAllAsync(cancellationToken))
        {
            yield return response;
        }
    }

    /// <summary>Generates and answers once, when generation ends.</summary>
    public Task<CompleteResponse> CompleteAsync(GenerateRequest request, CancellationToken cancellationToken = default) =>
        Inference.CompleteAsync(request, new CallOptions(deadline: Deadline(_options.GenerateTimeout), cancellationToken: cancellationToken)).ResponseAsync;

    /// <summary>Stops the running request <paramref name="requestId"/>; true when it was still running. NOT_FOUND for an id never seen.</summary>
    public async Task<bool> AbortAsync(string requestId, CancellationToken cancellationToken = default) =>
        (await Inference.AbortAsync(new AbortRequest { RequestId = requestId }, Unary(cancellationToken))).WasRunning;

    /// <summary>Lists tokenizer-svc's tokenizers.</summary>
    public async Task<IReadOnlyList<TokenizerInfo>> ListTokenizersAsync(CancellationToken cancellationToken = default) =>
        (await Tokenizer.ListTokenizersAsync(new ListTokenizersRequest(), Unary(cancellationToken))).Tokenizers;

    /// <summary>Encodes <paramref name="texts"/> with <paramref name="tokenizer"/>; one result per text, in order.</summary>
    public Task<TokenizeResponse> TokenizeAsync(string tokenizer, IEnumerable<string> texts, CancellationToken cancellationToken = default) =>
        TokenizeAsync(new TokenizeRequest { Tokenizer = tokenizer, Texts = { texts } }, cancellationToken);

    /// <summary>Tokenize with every field of the request (special tokens, offsets, max_tokens).</summary>
    public Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken = default) =>
        Tokenizer.TokenizeAsync(request, Unary(cancellationToken)).ResponseAsync;

    /// <summary>Counts the tokens of each of <paramref name="texts"/>, in order.</summary>
    public async Task<IReadOnlyList<uint>> CountTokensAsync(string tokenizer, IEnumerable<string> texts, CancellationToken cancellationToken = default) =>
        (await Tokenizer.CountTokensAsync(new CountTokensRequest { Tokenizer = tokenizer, Texts = { texts } }, Unary(cancellationToken))).Counts;

    /// <summary>Decodes <paramref name="ids"/> to text.</summary>
    public async Task<string> DetokenizeAsync(string tokenizer, IEnumerable<uint> ids, bool skipSpecialTokens = false, CancellationToken cancellationToken = default) =>
        (await Tokenizer.DetokenizeAsync(new DetokenizeRequest { Tokenizer = tokenizer, Ids = { ids }, SkipSpecialTokens = skipSpecialTokens }, Unary(cancellationToken))).Text;

    /// <summary>Renders a conversation with a tokenizer's or model's chat template and tokenizes it.</summary>
    public Task<ApplyChatTemplateResponse> ApplyChatTemplateAsync(ApplyChatTemplateRequest request, CancellationToken cancellationToken = default) =>
        Tokenizer.ApplyChatTemplateAsync(request, Unary(cancellationToken)).ResponseAsync;

    /// <summary>
    /// Converts Kazakh <paramref name="texts"/> to <paramref name="target"/>
    /// (<see cref="Contracts.Tokenizer.V1.Script.Latin"/>, the 2021 alphabet, or
    /// <see cref="Contracts.Tokenizer.V1.Script.Cyrillic"/>), one text per text, in order.
    /// </summary>
    public async Task<IReadOnlyList<string>> ConvertScriptAsync(IEnumerable<string> texts, Contracts.Tokenizer.V1.Script target, CancellationToken cancellationToken = default) =>
        (await Tokenizer.ConvertScriptAsync(new ConvertScriptRequest { Texts = { texts }, Target = target }, Unary(cancellationToken))).Texts;

    /// <summary>Disposes both channels (calls in flight fail) and stops watching TLS files.</summary>
    public void Dispose()
    {
        _inferenceChannel.Dispose();
        _tokenizerChannel.Dispose();
        _tls?.Dispose();
    }

    private CallOptions Unary(CancellationToken cancellationToken) => new(deadline: Deadline(_options.Timeout), cancellationToken: cancellationToken);

    private DateTime Deadline(TimeSpan timeout) => _time.GetUtcNow().UtcDateTime + timeout;

    /// <summary>Retries of inference-svc's idempotent RPCs; Generate and Complete are left out, as a retry could generate twice.</summary>
    internal static ServiceConfig InferenceRetryConfig(KazGrpcClientOptions options) =>
        RetryConfig(options, InferenceService.Descriptor.FullName, "ListModels", "GetModel", "Embed", "Abort");

    /// <summary>Retries of tokenizer-svc's unary RPCs, all idempotent; its streams are not retried.</summary>
    internal static ServiceConfig TokenizerRetryConfig(KazGrpcClientOptions options) =>
        RetryConfig(options, TokenizerService.Descriptor.FullName, "ListTokenizers", "Tokenize", "CountTokens", "Detokenize", "ApplyChatTemplate", "ConvertScript");

    private static ServiceConfig RetryConfig(KazGrpcClientOptions options, string service, params string[] idempotent)
    {
        var config = new ServiceConfig();
        if (options.MaxAttempts > 1)
        {
            var method = new MethodConfig
            {
                RetryPolicy = new RetryPolicy
                {
                    MaxAttempts = options.MaxAttempts,
                    InitialBackoff = options.InitialBackoff,
                    MaxBackoff = TimeSpan.FromSeconds(2),
                    BackoffMultiplier = 2,
                    RetryableStatusCodes = { StatusCode.Unavailable },
                },
            };
            foreach (var name in idempotent)
            {
                method.Names.Add(new MethodName { Service = service, Method = name });
            }

            config.MethodConfigs.Add(method);
        }

        return config;
    }
}
