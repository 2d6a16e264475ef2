namespace KazGrpc.Client;

/// <summary>
/// Where a caller's <see cref="KazGrpcClient"/> finds KazGrpc and how long it waits (section
/// <c>KazGrpc</c>; environment variables <c>KazGrpc__InferenceAddress</c> and so on).
/// </summary>
public sealed class KazGrpcClientOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "KazGrpc";

    /// <summary>
    /// inference-svc: one address (<c>http://host:port</c>), several separated by commas (calls are
    /// spread over them round-robin and a replica that stops answering is left out), or a
    /// <c>dns:///name:port</c> target whose records are all used round-robin (a Kubernetes headless
    /// Service). Default <c>http://127.0.0.1:50051</c>.
    /// </summary>
    public string InferenceAddress { get; set; } = "http://127.0.0.1:50051";

    /// <summary>tokenizer-svc, in the same forms as <see cref="InferenceAddress"/>. Default <c>http://127.0.0.1:50052</c>.</summary>
    public string TokenizerAddress { get; set; } = "http://127.0.0.1:50052";

    /// <summary>The API key sent with every call to both services (<c>authorization: Bearer KEY</c>),
    /// when they require one (<c>Auth:Enabled</c>). Default empty: no credential is sent.</summary>
    public string ApiKey { get; set; } = string.Empty;

    /// <summary>Deadline of a unary call (everything but Generate), retries included. Default 30 s.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Deadline of a Generate stream, from its start to its final message. Default 10 min.</summary>
    public TimeSpan GenerateTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// Attempts of an idempotent call (ListModels, GetModel, Embed, Abort and every tokenizer RPC but
    /// the streams) that fails with UNAVAILABLE, the first included: gRPC's retry policy in the
    /// channel's service config. Generate and Complete are never retried: a retry could generate twice.
    /// 1 turns retries off. Default 5, gRPC's cap: with <see cref="InitialBackoff"/> they span up to about 3 s, long
    /// enough for a replica that restarts to come back; one that refuses connections is left out of the
    /// round-robin after the first refusal, so retries go to the others.
    /// </summary>
    public int MaxAttempts { get; set; } = 5;

    /// <summary>Backoff before the first retry; it doubles up to 2 s, with gRPC's jitter. Default 200 ms.</summary>
    public TimeSpan InitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// TLS of the connections to <c>https://</c> addresses (and to <c>dns:///</c> targets, which use TLS
    /// once this is configured): the CA that issues the services' certificates, and the caller's
    /// certificate where they require mutual TLS (<c>KazGrpc:Tls:CaPath</c>, <c>CertificatePath</c>,
    /// <c>KeyPath</c>). Empty by default: the system's roots, no client certificate.
    /// </summary>
    public ClientTlsOptions Tls { get; set; } = new();

    /// <summary>Throws <see cref="InvalidOperationException"/> naming the setting (and the file) when a value
    /// is out of range or a TLS file does not load.</summary>
    public void Validate()
    {
        Check(!string.IsNullOrWhiteSpace(InferenceAddress), $"{SectionName}:InferenceAddress is required");
        Check(!string.IsNullOrWhiteSpace(TokenizerAddress), $"{SectionName}:TokenizerAddress is required");
        Check(Timeout > TimeSpan.Zero, $"{SectionName}:Timeout must be positive; got {Timeout}");
        Check(GenerateTimeout > TimeSpan.Zero, $"{SectionName}:GenerateTimeout must be positive; got {GenerateTimeout}");
        Check(MaxAttempts is >= 1 and <= 5, $"{SectionName}:MaxAttempts must be in [1, 5]; got {MaxAttempts}");
        Check(InitialBackoff > TimeSpan.Zero, $"{SectionName}:InitialBackoff must be positive; got {InitialBackoff}");
        var inference = InferenceTarget();
        var tokenizer = TokenizerTarget();
        Tls.Validate($"{SectionName}:{nameof(Tls)}");

        // One cleartext address beside a TLS one may be meant (a caller of one service only); TLS
        // settings that no address uses are a mistake that would send keys and text in the clear.
        Check(
            !Tls.IsConfigured || inference.UsesTls || tokenizer.UsesTls,
            $"{SectionName}:{nameof(Tls)} is configured but {SectionName}:{nameof(InferenceAddress)} ('{InferenceAddress}') and "
            + $"{SectionName}:{nameof(TokenizerAddress)} ('{TokenizerAddress}') are both cleartext; use https:// or dns:///");
    }

    /// <summary><see cref="InferenceAddress"/> parsed; errors name the setting as <see cref="Validate"/> does.</summary>
    internal ClientTarget InferenceTarget() => ClientTarget.Parse(InferenceAddress, $"{SectionName}:{nameof(InferenceAddress)}");

    /// <summary><see cref="TokenizerAddress"/> parsed; errors name the setting as <see cref="Validate"/> does.</summary>
    internal ClientTarget TokenizerTarget() => ClientTarget.Parse(TokenizerAddress, $"{SectionName}:{nameof(TokenizerAddress)}");

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InvalidOperationException(message);
        }
    }
}
