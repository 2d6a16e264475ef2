using System.Diagnostics;
using Grpc.Core;
using KazGrpc.Client;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Core;
using KazGrpc.Hosting;
using ProtoPolicy = KazGrpc.Contracts.Tokenizer.V1.SensitiveNumberPolicy;
using SensitiveNumberPolicy = KazGrpc.Text.SensitiveNumberPolicy;

namespace KazGrpc.InferenceSvc.Tokenizer;

/// <summary>
/// inference-svc's only way to turn text into ids: the resilient tokenizer client over long-lived
/// streams, plus the health monitor's verdict so that calls fail fast with UNAVAILABLE while the
/// tokenizer is known to be unreachable. Every failure of the hop leaves it as a domain error
/// (<see cref="TokenizerErrors"/>); a failure to reach the tokenizer also tells the health monitor.
/// Each call is one <c>kazgrpc.tokenizer.hop</c> span (kind client), whose context the client carries to
/// tokenizer-svc: in the message on TokenizeStream, in the headers of a unary call.
/// </summary>
public sealed class TokenizerGateway(TokenizerClient client, TokenizerHealth health, InferenceMetrics metrics, ServerTracing tracing, TimeProvider time)
{
    /// <summary>Encodes <paramref name="texts"/> with framing tokens; with <paramref name="maxTokens"/> &gt; 0 longer inputs are cut;
    /// <paramref name="sensitiveNumbers"/> is the end caller's policy, which tokenizer-svc applies.</summary>
    public async Task<IReadOnlyList<(int[] Ids, bool Truncated)>> TokenizeAsync(
        string tokenizer, IReadOnlyList<string> texts, int maxTokens, string model, SensitiveNumberPolicy sensitiveNumbers, CancellationToken cancellationToken)
    {
        var request = new TokenizeRequest
        {
            Tokenizer = tokenizer, AddSpecialTokens = true, MaxTokens = (uint)Math.Max(0, maxTokens), SensitiveNumbers = ToProto(sensitiveNumbers),
        };
        request.Texts.Add(texts);
        var response = await CallAsync(client.TokenizeAsync, request, "TokenizeStream", texts.Count, static r => r.Results.Sum(t => t.Ids.Count), tokenizer, model, cancellationToken);
        var results = new (int[] Ids, bool Truncated)[response.Results.Count];
        for (var i = 0; i < results.Length; i++)
        {
            results[i] = (ToInts(response.Results[i].Ids), response.Results[i].Truncated);
        }

        return results;
    }

    /// <summary>Renders <paramref name="messages"/> with the tokenizer's chat template, ending with
    /// the assistant's turn header, and returns the ids; <paramref name="sensitiveNumbers"/> as for <see cref="TokenizeAsync"/>.</summary>
    public async Task<int[]> ApplyChatTemplateAsync(
        string tokenizer, IReadOnlyList<(string Role, string Content)> messages, string model, SensitiveNumberPolicy sensitiveNumbers, CancellationToken cancellationToken)
    {
        var request = new ApplyChatTemplateRequest { Tokenizer = tokenizer, AddGenerationPrompt = true, SensitiveNumbers = ToProto(sensitiveNumbers) };
        request.Messages.Add(messages.Select(m => new ChatMessage { Role = m.Role, Content = m.Content }));
        var response = await CallAsync(client.ApplyChatTemplateAsync, request, "ApplyChatTemplate", messages.Count, static r => r.Ids.Count, tokenizer, model, cancellationToken);
        return ToInts(response.Ids);
    }

    private async Task<TResponse> CallAsync<TRequest, TResponse>(
        Func<TRequest, CancellationToken, Task<TResponse>> call,
        TRequest request,
        string method,
        int inputs,
        Func<TResponse, int> tokens,
        string tokenizer,
        string model,
        CancellationToken cancellationToken)
    {
        health.ThrowIfUnreachable();

        // Current while the call runs, so that the client sends its context along.
        using var span = tracing.Source.StartActivity("kazgrpc.tokenizer.hop", ActivityKind.Client);
        if (span is not null)
        {
            span.SetTag("rpc.system", "grpc");
            span.SetTag("rpc.service", Contracts.Tokenizer.V1.TokenizerService.Descriptor.FullName);
            span.SetTag("rpc.method", method);
            span.SetTag("kazgrpc.tokenizer", tokenizer);
            span.SetTag("kazgrpc.model", model);
            span.SetTag("kazgrpc.inputs", inputs);
        }

        var started = time.GetTimestamp();
        try
        {
            var response = await call(request, cancellationToken);
            span?.SetTag("kazgrpc.tokens", tokens(response));
            return response;
        }
        catch (RpcException) when (cancellationToken.IsCancellationRequested)
        {
            span.SetError(nameof(StatusCode.Cancelled));
            throw new OperationCanceledException(cancellationToken);
        }
        catch (RpcException ex)
        {
            span?.SetTag("rpc.grpc.status_code", (int)ex.StatusCode);
            span.SetError(ex.StatusCode.ToString());
            if (ex.StatusCode == StatusCode.Unavailable)
            {
                health.ReportFailure();
            }

            throw TokenizerErrors.ToDomain(ex, tokenizer, model, client.Address);
        }
        finally
        {
            metrics.TokenizerHop(model, time.GetElapsedTime(started));
        }
    }

    private static ProtoPolicy ToProto(SensitiveNumberPolicy policy) => policy switch
    {
        SensitiveNumberPolicy.Mask => ProtoPolicy.Mask,
        SensitiveNumberPolicy.Reject => ProtoPolicy.Reject,
        _ => ProtoPolicy.Allow,
    };

    private static int[] ToInts(Google.Protobuf.Collections.RepeatedField<uint> ids)
    {
        var array = new int[ids.Count];
        for (var i = 0; i < array.Length; i++)
        {
            array[i] = (int)ids[i];
        }

        return array;
    }
}
