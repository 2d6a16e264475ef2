using System.Net.Http;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using KazGrpc.Contracts.Tokenizer.V1;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.Retry;
using Polly.Timeout;

namespace KazGrpc.Client;

/// <summary>
/// Resilient client of tokenizer-svc. Tokenize calls go over long-lived multiplexed
/// TokenizeStreams; concurrent calls that ask the same are merged first (<see cref="TokenizeCoalescer"/>),
/// and every call on the wire runs through one Polly pipeline, built once: retry (UNAVAILABLE and
/// timeouts only; tokenization is idempotent) around a circuit breaker around a per-attempt
/// timeout. A hung tokenizer (its port accepts, nothing answers) therefore costs at most
/// (1 + MaxRetries) attempt timeouts, and nothing once the circuit is open. Generated text is
/// detokenized incrementally over one long-lived DetokenizeStream shared by every open
/// <see cref="DetokenizeSequence"/>, reopened under the same pipeline when it breaks. The caller's
/// trace (<see cref="System.Diagnostics.Activity.Current"/>) goes with each call: in the header of a
/// unary call, in the message of a stream request (see TokenizeRequest.traceparent). Thread-safe; one per
/// process (<see cref="TokenizerClientServiceCollectionExtensions.AddTokenizerClient"/> registers it
/// as a singleton, which the container disposes).
/// </summary>
public sealed class TokenizerClient : IAsyncDisposable
{
    private readonly TokenizerClientOptions _options;
    private readonly GrpcChannel[] _channels;
    private readonly TokenizeStreamMultiplexer[] _streams;
    private readonly TokenizerService.TokenizerServiceClient _unary;
    private readonly Health.HealthClient _health;
    private readonly ResiliencePipeline _pipeline;
    private readonly CircuitBreakerManualControl _circuit = new();
    private readonly TokenizeCoalescer _coalescer;
    private readonly TimeProvider _time;
    private readonly DetokenizeStreamMultiplexer _detokenizer;
    private readonly ClientTls? _tls;
    private int _nextStream;

    /// <summary>Creates the client; no connection is made until the first call.</summary>
    /// <param name="options">Where tokenizer-svc is and how hard to try; validated here.</param>
    /// <param name="time">The clock of deadlines, timeouts and backoff.</param>
    /// <param name="logger">Says when the DetokenizeStream breaks and is reopened, and when TLS files are (re)loaded; none by default.</param>
    /// <exception cref="InvalidOperationException">An option is out of range or a TLS file does not load.</exception>
    public TokenizerClient(IOptions<TokenizerClientOptions> options, TimeProvider time, ILogger<TokenizerClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.Value;
        _options.Validate();
        _time = time;
        _tls = ClientTls.Create(_options.Tls, $"{TokenizerClientOptions.SectionName}:{nameof(TokenizerClientOptions.Tls)}", time, (ILogger?)logger ?? NullLogger.Instance);
        _channels = [.. Enumerable.Range(0, _options.Streams).Select(_ => CreateChannel(_options, _tls))];
        // Merging happens above the pipeline, so that it runs once per message; the streams carry
        // what the coalescer sends as it is.
        var invokers = _channels.Select(c => ApiKeyCredential.Invoker(c, _options.ApiKey)).ToArray();
        _streams = [.. invokers.Select(invoker => new TokenizeStreamMultiplexer(
            new TokenizerService.TokenizerServiceClient(invoker),
            _options.MaxInFlightPerStream))];
        _coalescer = new TokenizeCoalescer(SendAsync, _options.MaxTextsPerMessage, _options.MaxBytesPerMessage, _options.InlineCompletions);
        _unary = new TokenizerService.TokenizerServiceClient(invokers[0]);
        _health = new Health.HealthClient(invokers[0]);
        _pipeline = BuildPipeline(_options, time);
        _detokenizer = new DetokenizeStreamMultiplexer(
            new TokenizerService.TokenizerServiceClient(invokers[0]),
            (attempt, token) => Execute(attempt, static (attempt, token) => attempt(token), token),
            Unreachable,
            _options.MaxRetries,
            time,
            _options.AttemptTimeout,
            (ILogger?)logger ?? NullLogger.Instance);
    }

    /// <summary>The address calls go to.</summary>
    public Uri Address => _options.Address;

    /// <summary>Tokenize messages sent so far: concurrent calls merged into one message count once, and
    /// a retry of a message does not count again.</summary>
    public long MessagesSent => _coalescer.Sent;

    /// <summary>Texts in the Tokenize messages sent so far (counted as <see cref="MessagesSent"/> counts messages).</summary>
    public long TextsSent => _coalescer.TextsSent;

    /// <summary>Tokenizes over a multiplexed stream with timeout, retry and circuit breaking, possibly in
    /// one message with concurrent calls that ask the same. Failures to reach the tokenizer surface as
    /// <see cref="RpcException"/> with UNAVAILABLE.</summary>
    public Task<TokenizeResponse> TokenizeAsync(TokenizeRequest request, CancellationToken cancellationToken) =>
        _coalescer.TokenizeAsync(request, cancellationToken);

    private Task<TokenizeResponse> SendAsync(TokenizeRequest request, CancellationToken cancellationToken)
    {
        var stream = _streams[(int)((uint)Interlocked.Increment(ref _nextStream) % (uint)_streams.Length)];
        return Execute((stream, request), static (state, token) => state.stream.TokenizeAsync(state.request, token), cancellationToken);
    }

    /// <summary>
    /// Opens the incremental detokenization of one generated sequence over the shared
    /// DetokenizeStream (opened when first needed). Push ids to it as they are sampled and read the
    /// text from it; see <see cref="DetokenizeSequence"/>. Nothing is sent until ids are pushed.
    /// </summary>
    /// <param name="tokenizer">The tokenizer of the ids (e.g. <c>o200k_base</c>); an unknown name fails the
    /// sequence with NOT_FOUND when its first ids are answered.</param>
    /// <param name="skipSpecialTokens">Leave control tokens out of the text.</param>
    /// <param name="cancellationToken">Releases the sequence when cancelled, as disposing it does.</param>
    /// <returns>The sequence; the caller disposes it.</returns>
    public DetokenizeSequence OpenDetokenizeSequence(string tokenizer, bool skipSpecialTokens, CancellationToken cancellationToken) =>
        _detokenizer.Open(tokenizer, skipSpecialTokens, cancellationToken);

    /// <summary>Detokenize sequences open now: opened, and neither ended nor released.</summary>
    public int OpenDetokenizeSequences => _detokenizer.OpenSequences;

    /// <summary>DetokenizeStreams opened so far: 1 while the first serves, one more for each reopen after a break.</summary>
    public long DetokenizeStreamsOpened => _detokenizer.StreamsOpened;

    /// <summary>Renders a chat template (unary, with the same resilience).</summary>
    public Task<ApplyChatTemplateResponse> ApplyChatTemplateAsync(ApplyChatTemplateRequest request, CancellationToken cancellationToken) =>
        Execute((_unary, request, headers: TraceContext.Headers()),
            static (state, token) => state._unary.ApplyChatTemplateAsync(state.request, state.headers, cancellationToken: token).ResponseAsync, cancellationToken);

    /// <summary>Lists the tokenizers (unary, with the same resilience).</summary>
    public Task<ListTokenizersResponse> ListTokenizersAsync(CancellationToken cancellationToken) =>
        Execute((_unary, headers: TraceContext.Headers()),
            static (state, token) => state._unary.ListTokenizersAsync(new ListTokenizersRequest(), state.headers, cancellationToken: token).ResponseAsync, cancellationToken);

    /// <summary>True when tokenizer-svc answers its health check with SERVING within the health timeout.</summary>
    public async Task<bool> IsServingAsync(CancellationToken cancellationToken) =>
        (await CheckHealthAsync(cancellationToken).ConfigureAwait(false)) is null;

    /// <summary>
    /// Asks tokenizer-svc's health within the health timeout: null when it is SERVING, else why not
    /// (its status, or the call's failure: refused connection, TLS handshake, deadline), for the log.
    /// </summary>
    public async Task<string?> CheckHealthAsync(CancellationToken cancellationToken)
    {
        try
        {
            var response = await _health.CheckAsync(
                new HealthCheckRequest { Service = TokenizerService.Descriptor.FullName },
                deadline: (_time.GetUtcNow() + _options.HealthCheckTimeout).UtcDateTime,
                cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Status == HealthCheckResponse.Types.ServingStatus.Serving ? null : $"its health is {response.Status}";
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested)
        {
            return $"{ex.StatusCode}: {ex.Status.Detail}";
        }
    }

    /// <summary>
    /// Closes the circuit at once, e.g. when a health check shows the tokenizer is back, so the
    /// next call does not wait out the break or hinge on one half-open trial.
    /// </summary>
    public Task CloseCircuitAsync(CancellationToken cancellationToken) => _circuit.CloseAsync(cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _detokenizer.DisposeAsync().ConfigureAwait(false);
        foreach (var stream in _streams)
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var channel in _channels)
        {
            channel.Dispose();
        }

        _tls?.Dispose();
    }

    private async Task<T> Execute<TState, T>(TState state, Func<TState, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        try
        {
            return await _pipeline.ExecuteAsync(
                static (context, token) => new ValueTask<T>(context.call(context.state, token)),
                (state, call), cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutRejectedException ex)
        {
            throw Unreachable($"no answer within {_options.AttemptTimeout.TotalMilliseconds:F0} ms", ex);
        }
        catch (BrokenCircuitException ex)
        {
            throw Unreachable("recent calls failed and the circuit is open", ex);
        }
        catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable && !cancellationToken.IsCancellationRequested)
        {
            throw Unreachable(ex.Status.Detail, ex);
        }
    }

    private RpcException Unreachable(string why, Exception inner) =>
        new(new Status(StatusCode.Unavailable, $"the tokenizer (tokenizer-svc at {_options.Address}) is unreachable: {why}", inner));

    private ResiliencePipeline BuildPipeline(TokenizerClientOptions options, TimeProvider time)
    {
        static bool Transient(Outcome<object> outcome) => outcome.Exception switch
        {
            RpcException rpc => rpc.StatusCode is StatusCode.Unavailable,
            TimeoutRejectedException => true,
            _ => false,
        };

        return new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
                Delay = options.RetryBaseDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && Transient(args.Outcome)),
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = options.BreakerFailureRatio,
                MinimumThroughput = options.BreakerMinimumThroughput,
                SamplingDuration = options.BreakerSamplingDuration,
                BreakDuration = options.BreakerBreakDuration,
                ManualControl = _circuit,
                ShouldHandle = args => ValueTask.FromResult(Transient(args.Outcome)),
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();
    }

    private static GrpcChannel CreateChannel(TokenizerClientOptions options, ClientTls? tls)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.AttemptTimeout,
            KeepAlivePingDelay = TimeSpan.FromSeconds(5),
            KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        };
        return GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
        {
            HttpHandler = tls is null ? handler : tls.Apply(handler),
            MaxReceiveMessageSize = 64 << 20,
            MaxSendMessageSize = 64 << 20,
        });
    }
}
