namespace KazGrpc.Client;

/// <summary>How to reach tokenizer-svc and how hard to try (section <c>Tokenizer</c>).</summary>
public sealed class TokenizerClientOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Tokenizer";

    /// <summary>tokenizer-svc's address; <c>https://</c> for TLS (see <see cref="Tls"/>). Default <c>http://127.0.0.1:50052</c>.</summary>
    public Uri Address { get; set; } = new("http://127.0.0.1:50052");

    /// <summary>The API key sent with every call (<c>authorization: Bearer KEY</c>), for a tokenizer-svc
    /// whose <c>Auth:Enabled</c> is on; its digest is in that service's <c>Auth:Callers</c>. Default
    /// empty: no credential is sent.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>TLS of the hop when <see cref="Address"/> is <c>https://</c>: the CA that issues
    /// tokenizer-svc's certificate and inference-svc's client certificate for mutual TLS
    /// (<c>Tokenizer:Tls:CaPath</c>, <c>CertificatePath</c>, <c>KeyPath</c>). Empty by default.</summary>
    public ClientTlsOptions Tls { get; set; } = new();

    /// <summary>Time one attempt may take before it is abandoned; also how long requests on the
    /// DetokenizeStream may go unanswered before the stream counts as broken and is reopened. Default 1 s.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Retries of an attempt that failed with UNAVAILABLE or timed out (tokenization is idempotent;
    /// a broken DetokenizeStream is reopened and its sequences replayed). Also how many DetokenizeStreams in a
    /// row may break before answering before their sequences fail. Default 2.</summary>
    public int MaxRetries { get; set; } = 2;

    /// <summary>Base delay of the jittered exponential backoff between retries. Default 100 ms.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Failure ratio in the sampling window that opens the circuit. Default 0.5.</summary>
    public double BreakerFailureRatio { get; set; } = 0.5;

    /// <summary>Calls in the window before the circuit may open. Default 4.</summary>
    public int BreakerMinimumThroughput { get; set; } = 4;

    /// <summary>Sampling window of the circuit breaker. Default 5 s.</summary>
    public TimeSpan BreakerSamplingDuration { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long an open circuit fails calls at once before it lets one through. Default 1 s.</summary>
    public TimeSpan BreakerBreakDuration { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Long-lived TokenizeStreams to spread requests over (each on its own HTTP/2
    /// connection). Default 1.</summary>
    public int Streams { get; set; } = 1;

    /// <summary>Requests one stream may have in flight before senders wait. Default 1024.</summary>
    public int MaxInFlightPerStream { get; set; } = 1024;

    /// <summary>Texts one TokenizeStream message may carry when concurrent requests are merged
    /// (requests that arrive while others are outstanding and ask the same of the same tokenizer go
    /// as one message, through the resilience pipeline once); 1 turns merging off. Keep it within tokenizer-svc's Tokenization:MaxTexts. Default 256.</summary>
    public int MaxTextsPerMessage { get; set; } = 256;

    /// <summary>Bytes of text one merged message may carry; keep it within tokenizer-svc's
    /// Tokenization:MaxRequestBytes. Default 1 MiB.</summary>
    public long MaxBytesPerMessage { get; set; } = 1 << 20;

    /// <summary>
    /// Resume callers on the thread that splits a merged answer, one after another, instead of
    /// handing each to the thread pool. Saves a hand-off per call; only for callers whose code after
    /// the await is short. Default false (inference-svc turns it on: it only queues the ids).
    /// </summary>
    public bool InlineCompletions { get; set; }

    /// <summary>How often the tokenizer's health is checked in the background. Default 1 s.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deadline of one health check. Default 1 s.</summary>
    public TimeSpan HealthCheckTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Throws when a value is out of range; called at start-up.</summary>
    public void Validate()
    {
        if (AttemptTimeout <= TimeSpan.Zero || HealthCheckTimeout <= TimeSpan.Zero || HealthCheckInterval <= TimeSpan.Zero)
        {
            throw new InvalidOperationException($"{SectionName}: timeouts and intervals must be positive");
        }

        if (MaxRetries < 0 || Streams < 1 || MaxInFlightPerStream < 1 || MaxTextsPerMessage < 1 || MaxBytesPerMessage < 1 || BreakerMinimumThroughput < 2
            || BreakerFailureRatio is <= 0 or > 1 || BreakerBreakDuration < TimeSpan.FromMilliseconds(500))
        {
            throw new InvalidOperationException(
                $"{SectionName}: MaxRetries >= 0, Streams >= 1, MaxInFlightPerStream >= 1, MaxTextsPerMessage >= 1, MaxBytesPerMessage >= 1, "
                + "BreakerMinimumThroughput >= 2, "
                + "BreakerFailureRatio in (0, 1] and BreakerBreakDuration >= 500 ms are required");
        }

        if (Address.Scheme is not ("http" or "https"))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(Address)} must be http:// or https://; got '{Address}'");
        }

        if (Tls.IsConfigured && Address.Scheme != Uri.UriSchemeHttps)
        {
            throw new InvalidOperationException(
                $"{SectionName}:{nameof(Tls)} is configured but {SectionName}:{nameof(Address)} is '{Address}', which is cleartext; use https://");
        }

        Tls.Validate($"{SectionName}:{nameof(Tls)}");
    }
}
