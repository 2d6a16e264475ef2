using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Grpc.Core;
using KazGrpc.Client;
using KazGrpc.Core;
using KazGrpc.Generation;
using KazGrpc.Hosting;
using KazGrpc.InferenceSvc.Embeddings;
using KazGrpc.InferenceSvc.Tokenizer;
using KazGrpc.Models;
using KazGrpc.Text;

namespace KazGrpc.InferenceSvc.Generation;

/// <summary>
/// Generate, transport-free: checks the caller's grant for the model and its generated-token quota,
/// validates the request, turns its prompt into ids through tokenizer-svc (raw text, a chat template,
/// or ids as given; Latin-script text converted to Cyrillic first), charges the caller's prompt-token
/// quota, runs it on the model's generation engine, and
/// streams the output as text. Generated ids go to tokenizer-svc's DetokenizeStream as they come,
/// without waiting for the text of the previous ones (the engine never waits on the hop); text that
/// could still begin a stop string is held back until it cannot. The detokenization of one request
/// is one <c>kazgrpc.detokenize</c> span (kind client), whose context its sequence carries to tokenizer-svc.
/// </summary>
public sealed class GenerationService(
    ModelRegistry registry,
    GenerationEngines engines,
    TokenizerGateway tokenizer,
    TokenizerClient client,
    RequestTracker tracker,
    ServerTracing tracing,
    TimeProvider time,
    ILogger<GenerationService> logger)
{
    /// <summary>Tokens generated when the request does not say.</summary>
    public const int DefaultMaxNewTokens = 256;

    private const int MaxRequestIdBytes = 128;
    private const int MaxStops = 8;
    private const int MaxStopBytes = 256;
    private const int MaxLogprobs = 20;

    /// <summary>Runs <paramref name="command"/>, yielding chunks of output and, last, the summary.
    /// <paramref name="warmup"/> lets the runtime run a model that is still Loading.</summary>
    public async IAsyncEnumerable<GenerationUpdate> GenerateAsync(GenerateCommand command, [EnumeratorCancellation] CancellationToken cancellationToken, bool warmup = false)
    {
        var arrival = time.GetTimestamp();
        // Before the model is looked up: a caller learns nothing about models it may not use.
        command.Caller?.AuthorizeModel(command.Model);
        command.Caller?.EnsureGeneratedRoom();
        var model = ResolveModel(command.Model);
        var decoder = model.Runtime as IDecoder;
        if ((model.State != ModelState.Ready && !(warmup && decoder is not null)) || decoder is null)
        {
            throw model.NotServing();
        }

        var engine = engines.Get(model);
        var requestId = string.IsNullOrEmpty(command.RequestId) ? $"gen-{Guid.NewGuid():N}" : command.RequestId;
        FieldRules.AtMostBytes(requestId, "request_id", MaxRequestIdBytes);
        var (sampling, stops, stopIds) = ValidateParameters(command.Parameters, decoder.VocabSize);
        var level = RequestedPriority.ToLevel(command.Priority, engines.Options.PriorityLevels);
        ValidateInput(command, decoder.VocabSize);

        using var claim = tracker.Register(command.Caller?.CallerId ?? string.Empty, requestId);
        var policy = SensitiveNumberGuard.Stricter(command.Caller?.SensitiveNumbers ?? SensitiveNumberPolicy.Allow, command.SensitiveNumbers);
        var spans = command.Messages.Count > 0
            ? SensitiveInputs.Check([.. command.Messages.Select(m => m.Content)], static i => $"messages[{i}].content", policy, command.ReturnSensitiveSpans)
            : SensitiveInputs.Check([command.Prompt], static _ => "prompt", policy, command.ReturnSensitiveSpans);
        var prompt = await PromptIdsAsync(command, model, policy, cancellationToken);
        var maxNew = MaxNewTokens(command.Parameters, prompt.Length, model, decoder);
        var minNew = (int)command.Parameters.MinNewTokens;
        if (minNew > maxNew)
        {
            throw new RequestValidationException("parameters.min_new_tokens",
                $"`parameters.min_new_tokens` must be <= max_new_tokens ({maxNew:N0}); got {minNew:N0}");
        }

        var request = new GenerationRequest
        {
            // The engine's request id only names the request in its log lines: redacted once here.
            RequestId = SensitiveNumbers.Redact(requestId),
            PromptIds = prompt,
            Sampling = sampling,
            Stopping = new StoppingCriteria
            {
                MaxNewTokens = maxNew,
                MinNewTokens = minNew,
                EosTokenIds = decoder.EosTokenIds,
                IgnoreEos = command.Parameters.IgnoreEos,
                StopTokenIds = stopIds,
            },
            Priority = level,
            Deadline = command.Deadline,
        };

        command.Caller?.ChargePrompt(prompt.Length);
        GenerationLog.Generating(logger, request.RequestId, model.Name, prompt.Length, maxNew, level);
        var submitted = time.GetTimestamp();
        var sequence = engine.Submit(request, cancellationToken);
        claim.Attach(sequence);
        if (claim.Aborted)
        {
            sequence.Stop(FinishReason.Aborted);
        }

        var detokenizing = tracing.Source.StartDetached("kazgrpc.detokenize", ActivityKind.Client, Activity.Current?.Context ?? default);
        using var text = OpenDetokenizeSequence(model, detokenizing, cancellationToken);
        var pushed = Channel.CreateUnbounded<SampledToken[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
        var pump = PumpAsync(sequence, text, pushed.Writer);
        var matcher = stops.Count > 0 ? new StopSequenceMatcher(stops) : null;
        var emitted = 0;
        long firstToken = 0;
        var stoppedByText = false;
        var delivered = false;
        try
        {
            // A text piece may answer several pushes at once, and a push whose ids complete no
            // character is answered with nothing: each chunk carries the piece and every id pushed
            // before it arrived.
            await foreach (var piece in ReadTextAsync(text, model, cancellationToken))
            {
                var tokens = Drain(pushed.Reader);
                var output = piece;
                if (matcher is not null)
                {
                    var match = matcher.Append(piece);
                    output = match.Text;
                    stoppedByText = match.Stopped;
                }

                emitted += tokens.Count;
                command.Caller?.ChargeGenerated(tokens.Count);
                if (firstToken == 0 && tokens.Count > 0)
                {
                    firstToken = time.GetTimestamp();
                }

                if (tokens.Count > 0 || output.Length > 0)
                {
                    yield return new GenerationChunk(output, tokens);
                }

                if (stoppedByText)
                {
                    sequence.Stop(FinishReason.StopSequence);
                    break;
                }
            }

            if (!stoppedByText)
            {
                // The engine has ended: ids whose text never completed a character come last.
                await pump.ConfigureAwait(false);
                var rest = matcher?.Flush() ?? string.Empty;
                var tokens = Drain(pushed.Reader);
                emitted += tokens.Count;
                command.Caller?.ChargeGenerated(tokens.Count);
                if (firstToken == 0 && tokens.Count > 0)
                {
                    firstToken = time.GetTimestamp();
                }

                if (tokens.Count > 0 || rest.Length > 0)
                {
                    yield return new GenerationChunk(rest, tokens);
                }
            }

            delivered = true;
        }
        finally
        {
            // However the caller left, the sequence stops and frees its KV slot.
            sequence.Stop(FinishReason.Aborted);
            EndDetokenizeSpan(detokenizing, model, emitted, delivered, cancellationToken);
        }

        var result = await sequence.Completion.ConfigureAwait(false);
        await pump.ConfigureAwait(false);
        if (pushed.Reader.Completion.IsFaulted)
        {
            await pushed.Reader.Completion.ConfigureAwait(false);
        }
        var end = time.GetTimestamp();
        yield return new GenerationSummary(
            stoppedByText ? FinishReason.StopSequence : result.FinishReason,
            prompt.Length,
            emitted,
            (time.GetElapsedTime(arrival, submitted) + result.QueueTime).TotalMilliseconds,
            firstToken == 0 ? 0 : time.GetElapsedTime(arrival, firstToken).TotalMilliseconds,
            time.GetElapsedTime(arrival, end).TotalMilliseconds,
            spans);
    }

    // The sequence takes its trace from the current activity: the detokenize span's, when there is one.
    private DetokenizeSequence OpenDetokenizeSequence(ModelEntry model, Activity? span, CancellationToken cancellationToken)
    {
        if (span is null)
        {
            return client.OpenDetokenizeSequence(model.Tokenizer, skipSpecialTokens: true, cancellationToken);
        }

        var current = Activity.Current;
        Activity.Current = span;
        try
        {
            return client.OpenDetokenizeSequence(model.Tokenizer, skipSpecialTokens: true, cancellationToken);
        }
        finally
        {
            Activity.Current = current;
        }
    }

    private static void EndDetokenizeSpan(Activity? span, ModelEntry model, int tokens, bool delivered, CancellationToken cancellationToken)
    {
        if (span is null)
        {
            return;
        }

        span.SetTag("kazgrpc.model", model.Name);
        span.SetTag("kazgrpc.tokenizer", model.Tokenizer);
        span.SetTag("kazgrpc.tokens", tokens);
        if (!delivered)
        {
            span.SetError(cancellationToken.IsCancellationRequested ? "Cancelled" : "Failed");
        }

        span.StopDetached();
    }

    // Sends each batch of generated ids to the detokenizer as soon as the engine delivers it, and
    // records the batch so that the text answering it is paired with its ids.
    private static async Task PumpAsync(GenerationSequence sequence, DetokenizeSequence text, ChannelWriter<SampledToken[]> pushed)
    {
        var reader = sequence.Tokens;
        var batch = new List<SampledToken>();
        var ids = new List<int>();
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                batch.Clear();
                ids.Clear();
                while (reader.TryRead(out var token))
                {
                    batch.Add(token);
                    ids.Add(token.TokenId);
                }

                pushed.TryWrite([.. batch]);
                text.Push(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(ids));
            }

            text.Complete();
            pushed.TryComplete();
        }
        catch (Exception ex)
        {
            pushed.TryComplete(ex);
            text.Complete();
        }
    }

    private static List<SampledToken> Drain(ChannelReader<SampledToken[]> pushed)
    {
        var tokens = new List<SampledToken>();
        while (pushed.TryRead(out var group))
        {
            tokens.AddRange(group);
        }

        return tokens;
    }

    private async IAsyncEnumerable<string> ReadTextAsync(DetokenizeSequence text, ModelEntry model, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var reader = text.Text;
        while (true)
        {
            string piece;
            try
            {
                if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    yield break;
                }

                if (!reader.TryRead(out piece!))
                {
                    continue;
                }
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument && !cancellationToken.IsCancellationRequested)
            {
                // The ids are the model's, not the caller's: a model and tokenizer that disagree.
                throw new ExecutionFailedException(
                    $"model '{model.Name}' generated ids that its tokenizer '{model.Tokenizer}' cannot decode ({ex.Status.Detail})", ex);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw TokenizerErrors.ToDomain(ex, model.Tokenizer, model.Name, client.Address);
            }

            yield return piece;
        }
    }

    private async Task<int[]> PromptIdsAsync(GenerateCommand command, ModelEntry model, SensitiveNumberPolicy policy, CancellationToken cancellationToken)
    {
        if (command.TokenIds.Count > 0)
        {
            return [.. command.TokenIds.Select(id => (int)id)];
        }

        var latin = command.InputScript == Script.Latin;
        if (command.Messages.Count > 0)
        {
            // Only the contents: roles name the template's parts, and the template's own text is the model's.
            IReadOnlyList<(string Role, string Content)> messages = latin ? [.. command.Messages.Select(m => (m.Role, KazakhScript.ToCyrillic(m.Content)))] : command.Messages;
            return await tokenizer.ApplyChatTemplateAsync(model.Tokenizer, messages, model.Name, policy, cancellationToken);
        }

        var prompt = latin ? KazakhScript.ToCyrillic(command.Prompt) : command.Prompt;
        var tokenized = await tokenizer.TokenizeAsync(model.Tokenizer, [prompt], 0, model.Name, policy, cancellationToken);
        return tokenized[0].Ids.Length > 0
            ? tokenized[0].Ids
            : throw new RequestValidationException("prompt", "`prompt` must not be empty; it has no tokens");
    }

    private static int MaxNewTokens(GenerateParameters parameters, int promptTokens, ModelEntry model, IDecoder decoder)
    {
        var context = Math.Min(model.MaxContextTokens > 0 ? model.MaxContextTokens : decoder.ContextLength, decoder.MaxSequenceLength);
        var limit = decoder.MaxSequenceLength < model.MaxContextTokens
            ? $"{context:N0} (the KV cache's positions per sequence)"
            : $"{context:N0} (the context of model '{model.Name}')";
        if (parameters.MaxNewTokens is not { } requested)
        {
            var left = context - promptTokens;
            return left >= 1
                ? Math.Min(DefaultMaxNewTokens, left)
                : throw new RequestValidationException("prompt", $"prompt has {promptTokens:N0} tokens; with at least 1 new token it must be <= {limit}");
        }

        if (requested < 1)
        {
            throw new RequestValidationException("parameters.max_new_tokens", $"`parameters.max_new_tokens` must be >= 1; got {requested}");
        }

        if (promptTokens + (long)requested > context)
        {
            throw new RequestValidationException("parameters.max_new_tokens",
                $"prompt has {promptTokens:N0} tokens and max_new_tokens is {requested:N0}; together they must be <= {limit}");
        }

        return (int)requested;
    }

    private static (SamplingParameters Sampling, IReadOnlyList<string> Stops, int[] StopIds) ValidateParameters(GenerateParameters p, int vocab)
    {
        var violations = new List<FieldViolation>();
        void Check(bool ok, string field, string rule, string value)
        {
            if (!ok)
            {
                violations.Add(new FieldViolation($"parameters.{field}", $"`parameters.{field}` must be {rule}; got {value}"));
            }
        }

        static string F(float v) => v.ToString("R", CultureInfo.InvariantCulture);
        Check(float.IsFinite(p.Temperature) && p.Temperature is >= 0 and <= 2, "temperature", "finite and in [0, 2]", F(p.Temperature));
        if (p.TopP is { } topP)
        {
            Check(float.IsFinite(topP) && topP is > 0 and <= 1, "top_p", "in (0, 1]", F(topP));
        }

        Check(float.IsFinite(p.MinP) && p.MinP is >= 0 and <= 1, "min_p", "in [0, 1]", F(p.MinP));
        if (p.RepetitionPenalty is { } repetition)
        {
            Check(float.IsFinite(repetition) && repetition > 0, "repetition_penalty", "finite and > 0", F(repetition));
        }

        Check(float.IsFinite(p.PresencePenalty) && p.PresencePenalty is >= -2 and <= 2, "presence_penalty", "in [-2, 2]", F(p.PresencePenalty));
        Check(float.IsFinite(p.FrequencyPenalty) && p.FrequencyPenalty is >= -2 and <= 2, "frequency_penalty", "in [-2, 2]", F(p.FrequencyPenalty));
        foreach (var (id, bias) in p.LogitBias.OrderBy(b => b.Key))
        {
            Check(id < vocab, $"logit_bias[{id}]", $"keyed by a token id in [0, {vocab:N0})", id.ToString(CultureInfo.InvariantCulture));
            Check(float.IsFinite(bias) && bias is >= -100 and <= 100, $"logit_bias[{id}]", "in [-100, 100]", F(bias));
        }

        Check(p.Stop.Count <= MaxStops, "stop", $"at most {MaxStops} strings", $"{p.Stop.Count}");
        for (var i = 0; i < p.Stop.Count; i++)
        {
            var bytes = System.Text.Encoding.UTF8.GetByteCount(p.Stop[i]);
            Check(bytes > 0, $"stop[{i}]", "non-empty", "an empty string");
            Check(bytes <= MaxStopBytes, $"stop[{i}]", $"at most {MaxStopBytes} bytes", $"{bytes} bytes");
        }

        for (var i = 0; i < p.StopTokenIds.Count; i++)
        {
            Check(p.StopTokenIds[i] < vocab, $"stop_token_ids[{i}]", $"a token id in [0, {vocab:N0})", $"{p.StopTokenIds[i]}");
        }

        Check(p.Logprobs <= MaxLogprobs, "logprobs", $"<= {MaxLogprobs}", $"{p.Logprobs}");
        if (violations.Count > 0)
        {
            throw new RequestValidationException(violations);
        }

        var sampling = new SamplingParameters
        {
            Temperature = p.Temperature,
            TopK = (int)Math.Min(p.TopK, (uint)vocab),
            TopP = p.TopP ?? 1f,
            MinP = p.MinP,
            RepetitionPenalty = p.RepetitionPenalty ?? 1f,
            PresencePenalty = p.PresencePenalty,
            FrequencyPenalty = p.FrequencyPenalty,
            LogitBias = p.LogitBias.ToDictionary(b => (int)b.Key, b => b.Value),
            Seed = p.Seed,
            TopLogprobs = (int)p.Logprobs,
        };
        return (sampling, p.Stop, [.. p.StopTokenIds.Select(id => (int)id)]);
    }

    private static void ValidateInput(GenerateCommand command, int vocab)
    {
        var given = new List<string>();
        if (command.Prompt.Length > 0)
        {
            given.Add("prompt");
        }

        if (command.Messages.Count > 0)
        {
            given.Add("messages");
        }

        if (command.TokenIds.Count > 0)
        {
            given.Add("token_ids");
        }

        if (given.Count != 1)
        {
            throw new RequestValidationException(given.Count == 0 ? "prompt" : given[1],
                $"exactly one of `prompt`, `messages` and `token_ids` must be set; got {(given.Count == 0 ? "none (an empty prompt is none)" : string.Join(" and ", given))}");
        }

        for (var i = 0; i < command.TokenIds.Count; i++)
        {
            if (command.TokenIds[i] >= vocab)
            {
                throw new RequestValidationException($"token_ids[{i}]", $"`token_ids[{i}]` must be a token id in [0, {vocab:N0}); got {command.TokenIds[i]}");
            }
        }
    }

    private ModelEntry ResolveModel(string name)
    {
        var model = registry.Get(name, "model");
        if (model.Kind != ModelKind.Generation)
        {
            var generation = registry.Models.Where(m => m.Kind == ModelKind.Generation).Select(m => m.Name);
            throw new RequestValidationException("model",
                $"`model` '{name}' is an embedding model; Generate needs a generation model ({string.Join(", ", generation)})");
        }

        return model;
    }
}
