using System.Diagnostics;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Core;
using KazGrpc.Hosting;
using KazGrpc.Hosting.Security;
using KazGrpc.Text;
using KazGrpc.Tokenization;

namespace KazGrpc.TokenizerSvc.Grpc;

/// <summary>
/// gRPC adapter of <see cref="TokenizationService"/>: maps messages and calls the domain; errors
/// of whole calls are mapped by the interceptor, errors of one request on a stream are answered
/// in-band so that the stream serves on.
/// </summary>
/// <remarks>
/// Spans: unary calls nest theirs under the call's server span (whose parent is the caller's
/// <c>traceparent</c> header). A stream's server span lasts as long as the stream and belongs to no
/// request, so each request on TokenizeStream, and each sequence on DetokenizeStream, gets a span of
/// kind server under the <c>traceparent</c> its message carries, and none when it carries none.
/// </remarks>
internal sealed class TokenizerGrpcService(TokenizerRuntime runtime, TokenizerMetrics metrics, ServerTracing tracing) : TokenizerService.TokenizerServiceBase
{
    // A stream keeps at most this many requests in flight; its responses wait in a buffer of the
    // same size. A reader that stops reading stops the stream's reading, so memory stays bounded.
    private const int StreamWindow = 64;

    public override Task<ListTokenizersResponse> ListTokenizers(ListTokenizersRequest request, ServerCallContext context)
    {
        var response = new ListTokenizersResponse();
        response.Tokenizers.Add(runtime.Service.ListTokenizers().Select(ProtoMapping.ToProto));
        return Task.FromResult(response);
    }

    public override async Task<TokenizeResponse> Tokenize(TokenizeRequest request, ServerCallContext context)
    {
        using var span = StartEncodeSpan(request, ActivityKind.Internal, default);
        return await TokenizeOne(runtime.Service, request, AccessControl.Of(context.GetHttpContext()), span, context.CancellationToken);
    }

    public override async Task<CountTokensResponse> CountTokens(CountTokensRequest request, ServerCallContext context)
    {
        var counts = await runtime.Service.CountTokensAsync(
            request.Tokenizer, request.Texts, request.AddSpecialTokens, ProtoMapping.ToDomain(request.InputScript, "input_script"),
            ProtoMapping.Policy(request.SensitiveNumbers, AccessControl.Of(context.GetHttpContext()), "sensitive_numbers"), context.CancellationToken);
        metrics.Encoded(request.Tokenizer, counts.Length, counts.Sum(c => (long)c));
        var response = new CountTokensResponse();
        response.Counts.Add(counts.Select(c => (uint)c));
        return response;
    }

    public override Task<DetokenizeResponse> Detokenize(DetokenizeRequest request, ServerCallContext context)
    {
        using var span = tracing.Source.StartActivity("kazgrpc.tokenizer.decode");
        span?.SetTag("kazgrpc.tokenizer", SensitiveNumbers.Redact(request.Tokenizer));
        span?.SetTag("kazgrpc.tokens", request.Ids.Count);
        var text = runtime.Service.Detokenize(request.Tokenizer, ProtoMapping.ToArray(request.Ids), request.SkipSpecialTokens);
        metrics.Decoded(request.Tokenizer, request.Ids.Count);
        return Task.FromResult(new DetokenizeResponse { Text = text });
    }

    public override async Task<ApplyChatTemplateResponse> ApplyChatTemplate(ApplyChatTemplateRequest request, ServerCallContext context)
    {
        var (target, field) = request.TargetCase switch
        {
            ApplyChatTemplateRequest.TargetOneofCase.Tokenizer => (request.Tokenizer, "tokenizer"),
            ApplyChatTemplateRequest.TargetOneofCase.Model => (request.Model, "model"),
            _ => throw new RequestValidationException("target", "one of `tokenizer` or `model` is required"),
        };
        using var span = tracing.Source.StartActivity("kazgrpc.tokenizer.chat_template");
        span?.SetTag(field == "model" ? "kazgrpc.model" : "kazgrpc.tokenizer", SensitiveNumbers.Redact(target));
        span?.SetTag("kazgrpc.messages", request.Messages.Count);
        var policy = ProtoMapping.Policy(request.SensitiveNumbers, AccessControl.Of(context.GetHttpContext()), "sensitive_numbers");
        var spans = request.ReturnSensitiveSpans ? new List<(int Message, Text.SensitiveNumberKind Kind, int Start, int End)>() : null;
        var (text, ids) = await runtime.Service.ApplyChatTemplateAsync(
            target, field, ProtoMapping.ToDomain(request.Messages), request.AddGenerationPrompt, policy, spans, context.CancellationToken);
        span?.SetTag("kazgrpc.tokens", ids.Length);
        var response = new ApplyChatTemplateResponse { Text = text };
        response.Ids.Add(ids.Select(i => (uint)i));
        response.SensitiveSpans.Add(spans?.Select(s => ProtoMapping.ToProto(s.Kind, s.Message, s.Start, s.End)) ?? []);
        return response;
    }

    public override Task<ConvertScriptResponse> ConvertScript(ConvertScriptRequest request, ServerCallContext context)
    {
        var target = ProtoMapping.ToTarget(request.Target);
        var response = new ConvertScriptResponse();
        response.Texts.Add(runtime.Service.ConvertScript(request.Texts, target));
        return Task.FromResult(response);
    }

    public override async Task TokenizeStream(IAsyncStreamReader<TokenizeRequest> requestStream, IServerStreamWriter<TokenizeResponse> responseStream, ServerCallContext context)
    {
        var service = runtime.Service;
        var caller = AccessControl.Of(context.GetHttpContext());
        var cancellation = context.CancellationToken;
        using var window = new SemaphoreSlim(StreamWindow, StreamWindow);
        using var writing = new SemaphoreSlim(1, 1);

        // Requests are answered concurrently and may finish out of order; whichever answer is ready
        // writes itself, one at a time.
        var inFlight = new List<Task>();
        try
        {
            await foreach (var request in requestStream.ReadAllAsync(cancellation))
            {
                await window.WaitAsync(cancellation);
                inFlight.RemoveAll(t => t.IsCompleted);
                if (caller?.TakeStreamMessage() is { } refusal)
                {
                    inFlight.Add(Refuse(request.RequestId, refusal));
                    continue;
                }

                // Alone, a request is answered here, with no hop; while others are still being
                // answered it goes to the thread pool, so that one busy stream uses every core.
                inFlight.Add(inFlight.Count == 0 ? Answer(request) : Task.Run(() => Answer(request), CancellationToken.None));
            }
        }
        finally
        {
            // The answers use the semaphores: they end (at once, when the call was cancelled) before those are disposed.
            await Task.WhenAll(inFlight).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await Task.WhenAll(inFlight);

        async Task Answer(TokenizeRequest request)
        {
            try
            {
                TokenizeResponse response;
                // Parsed only when someone listens: parsing allocates the ids, on every request of the stream.
                var parent = request.Traceparent.Length > 0 && tracing.Source.HasListeners() ? Spans.ParseTraceparent(request.Traceparent) : default;
                using var span = parent == default ? null : StartEncodeSpan(request, ActivityKind.Server, parent);
                try
                {
                    if (request.RequestId.Length == 0)
                    {
                        throw new RequestValidationException("request_id", "`request_id` is required on TokenizeStream");
                    }

                    response = await TokenizeOne(service, request, caller, span, cancellation);
                }
                catch (Exception ex) when (ex is KazGrpcException)
                {
                    response = new TokenizeResponse { RequestId = request.RequestId, Error = ProtoMapping.ToRequestError(ex) };
                    span.SetError(((StatusCode)response.Error.Code).ToString());
                }

                await Write(response);
            }
            finally
            {
                window.Release();
            }
        }

        // Over the caller's rate of stream messages: answered, not tokenized.
        async Task Refuse(string requestId, OverloadedException refusal)
        {
            try
            {
                await Write(new TokenizeResponse { RequestId = requestId, Error = ProtoMapping.ToRequestError(refusal) });
            }
            finally
            {
                window.Release();
            }
        }

        async Task Write(TokenizeResponse response)
        {
            await writing.WaitAsync(cancellation);
            try
            {
                await responseStream.WriteAsync(response, cancellation);
            }
            finally
            {
                writing.Release();
            }
        }
    }

    public override async Task DetokenizeStream(IAsyncStreamReader<DetokenizeStreamRequest> requestStream, IServerStreamWriter<DetokenizeStreamResponse> responseStream, ServerCallContext context)
    {
        var session = runtime.Service.OpenDetokenizeSession();
        var caller = AccessControl.Of(context.GetHttpContext());

        // The spans of the traced sequences open on this stream, by sequence id; none while tracing is off.
        Dictionary<string, SequenceSpan>? spans = null;
        try
        {
            await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
            {
                var response = new DetokenizeStreamResponse { SequenceId = request.SequenceId };
                if (caller?.TakeStreamMessage() is { } refusal)
                {
                    // Its sequence fails as on any other error, so that no later request of it is
                    // applied without this one.
                    session.Forget(request.SequenceId);
                    response.Error = ProtoMapping.ToRequestError(refusal);
                    if (spans is not null)
                    {
                        EndSequenceSpan(spans, request.SequenceId, nameof(StatusCode.ResourceExhausted));
                    }

                    await responseStream.WriteAsync(response, context.CancellationToken);
                    continue;
                }

                var span = SequenceSpanOf(ref spans, request);
                try
                {
                    response.Text = session.Process(request.Tokenizer, request.SequenceId, ProtoMapping.ToArray(request.Ids), request.Finish, request.SkipSpecialTokens);
                    response.Finished = request.Finish;
                    metrics.Decoded(request.Tokenizer, request.Ids.Count);
                    if (span is not null)
                    {
                        span.Tokens += request.Ids.Count;
                        span.Messages++;
                        if (request.Finish)
                        {
                            EndSequenceSpan(spans!, request.SequenceId, null);
                        }
                    }
                }
                catch (KazGrpcException ex)
                {
                    response.Error = ProtoMapping.ToRequestError(ex);
                    if (span is not null)
                    {
                        // The session forgets a sequence that failed.
                        EndSequenceSpan(spans!, request.SequenceId, ((StatusCode)response.Error.Code).ToString());
                    }
                }

                await responseStream.WriteAsync(response, context.CancellationToken);
            }
        }
        finally
        {
            foreach (var id in spans?.Keys.ToArray() ?? [])
            {
                EndSequenceSpan(spans!, id, "StreamEnded");
            }
        }
    }

    /// <summary>The span of <paramref name="request"/>'s sequence, started by its first request when that
    /// carries a trace and tracing is on; null otherwise.</summary>
    private SequenceSpan? SequenceSpanOf(ref Dictionary<string, SequenceSpan>? spans, DetokenizeStreamRequest request)
    {
        if (spans is not null && spans.TryGetValue(request.SequenceId, out var known))
        {
            return known;
        }

        if (request.Traceparent.Length == 0 || !tracing.Source.HasListeners())
        {
            return null;
        }

        var activity = tracing.Source.StartDetached("kazgrpc.tokenizer.decode", ActivityKind.Server, Spans.ParseTraceparent(request.Traceparent));
        if (activity is null)
        {
            return null;
        }

        activity.SetTag("kazgrpc.tokenizer", SensitiveNumbers.Redact(request.Tokenizer));
        var span = new SequenceSpan(activity);
        (spans ??= new Dictionary<string, SequenceSpan>(StringComparer.Ordinal))[request.SequenceId] = span;
        return span;
    }

    private static void EndSequenceSpan(Dictionary<string, SequenceSpan> spans, string sequenceId, string? errorType)
    {
        if (!spans.Remove(sequenceId, out var span))
        {
            return;
        }

        span.Activity.SetTag("kazgrpc.tokens", span.Tokens);
        span.Activity.SetTag("kazgrpc.messages", span.Messages);
        if (errorType is not null)
        {
            span.Activity.SetError(errorType);
        }

        span.Activity.StopDetached();
    }

    private Activity? StartEncodeSpan(TokenizeRequest request, ActivityKind kind, ActivityContext parent)
    {
        var span = tracing.Source.StartActivity("kazgrpc.tokenizer.encode", kind, parent);
        span?.SetTag("kazgrpc.tokenizer", SensitiveNumbers.Redact(request.Tokenizer));
        span?.SetTag("kazgrpc.texts", request.Texts.Count);
        return span;
    }

    private async Task<TokenizeResponse> TokenizeOne(
        TokenizationService service, TokenizeRequest request, CallerScope? caller, Activity? span, CancellationToken cancellationToken)
    {
        var idBytes = System.Text.Encoding.UTF8.GetByteCount(request.RequestId);
        if (idBytes > service.Limits.MaxIdBytes)
        {
            throw new RequestValidationException("request_id", $"`request_id` must be at most {service.Limits.MaxIdBytes} bytes; got {idBytes}");
        }

        var results = await service.TokenizeAsync(ProtoMapping.ToCommand(request, caller), cancellationToken);
        var tokens = results.Sum(r => (long)r.Ids.Length);
        metrics.Encoded(request.Tokenizer, results.Length, tokens);
        span?.SetTag("kazgrpc.tokens", tokens);
        return ProtoMapping.ToResponse(results, request.RequestId);
    }

    /// <summary>A traced sequence's span and what it has decoded so far.</summary>
    private sealed class SequenceSpan(Activity activity)
    {
        public Activity Activity { get; } = activity;

        public long Tokens { get; set; }

        public int Messages { get; set; }
    }
}
