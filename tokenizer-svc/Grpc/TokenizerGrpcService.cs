using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Core;
using KazGrpc.Hosting;
using KazGrpc.Tokenization;

namespace KazGrpc.TokenizerSvc.Grpc;

/// <summary>
/// gRPC adapter of <see cref="TokenizationService"/>: maps messages and calls the domain; errors
/// of whole calls are mapped by the interceptor, errors of one request on a stream are answered
/// in-band so that the stream serves on.
/// </summary>
internal sealed class TokenizerGrpcService(TokenizerRuntime runtime, TokenizerMetrics metrics) : TokenizerService.TokenizerServiceBase
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

    public override async Task<TokenizeResponse> Tokenize(TokenizeRequest request, ServerCallContext context) =>
        await TokenizeOne(runtime.Service, request, context.CancellationToken);

    public override async Task<CountTokensResponse> CountTokens(CountTokensRequest request, ServerCallContext context)
    {
        var counts = await runtime.Service.CountTokensAsync(
            request.Tokenizer, request.Texts, request.AddSpecialTokens, ProtoMapping.ToDomain(request.InputScript, "input_script"), context.CancellationToken);
        metrics.Encoded(request.Tokenizer, counts.Length, counts.Sum(c => (long)c));
        var response = new CountTokensResponse();
        response.Counts.Add(counts.Select(c => (uint)c));
        return response;
    }

    public override Task<DetokenizeResponse> Detokenize(DetokenizeRequest request, ServerCallContext context)
    {
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
        var (text, ids) = await runtime.Service.ApplyChatTemplateAsync(
            target, field, ProtoMapping.ToDomain(request.Messages), request.AddGenerationPrompt, context.CancellationToken);
        var response = new ApplyChatTemplateResponse { Text = text };
        response.Ids.Add(ids.Select(i => (uint)i));
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
                try
                {
                    if (request.RequestId.Length == 0)
                    {
                        throw new RequestValidationException("request_id", "`request_id` is required on TokenizeStream");
                    }

                    response = await TokenizeOne(service, request, cancellation);
                }
                catch (Exception ex) when (ex is KazGrpcException)
                {
                    response = new TokenizeResponse { RequestId = request.RequestId, Error = ProtoMapping.ToRequestError(ex) };
                }

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
            finally
            {
                window.Release();
            }
        }
    }

    public override async Task DetokenizeStream(IAsyncStreamReader<DetokenizeStreamRequest> requestStream, IServerStreamWriter<DetokenizeStreamResponse> responseStream, ServerCallContext context)
    {
        var session = runtime.Service.OpenDetokenizeSession();
        await foreach (var request in requestStream.ReadAllAsync(context.CancellationToken))
        {
            var response = new DetokenizeStreamResponse { SequenceId = request.SequenceId };
            try
            {
                response.Text = session.Process(request.Tokenizer, request.SequenceId, ProtoMapping.ToArray(request.Ids), request.Finish, request.SkipSpecialTokens);
                response.Finished = request.Finish;
                metrics.Decoded(request.Tokenizer, request.Ids.Count);
            }
            catch (KazGrpcException ex)
            {
                response.Error = ProtoMapping.ToRequestError(ex);
            }

            await responseStream.WriteAsync(response, context.CancellationToken);
        }
    }

    private async Task<TokenizeResponse> TokenizeOne(TokenizationService service, TokenizeRequest request, CancellationToken cancellationToken)
    {
        var idBytes = System.Text.Encoding.UTF8.GetByteCount(request.RequestId);
        if (idBytes > service.Limits.MaxIdBytes)
        {
            throw new RequestValidationException("request_id", $"`request_id` must be at most {service.Limits.MaxIdBytes} bytes; got {idBytes}");
        }

        var results = await service.TokenizeAsync(ProtoMapping.ToCommand(request), cancellationToken);
        metrics.Encoded(request.Tokenizer, results.Length, results.Sum(r => (long)r.Ids.Length));
        return ProtoMapping.ToResponse(results, request.RequestId);
    }
}
