using System.Threading.RateLimiting;
using KazGrpc.Core;
using KazGrpc.Text;

namespace KazGrpc.Hosting.Security;

/// <summary>
/// One call's caller, transport-free: who it is once authenticated, whether it may do what it asks,
/// and its quota account, charged with the tokens the call costs. Whatever it learns (model, token
/// counts, request id) is what the call's audit line reports. The host begins one per call (see
/// <see cref="AccessControl"/>) and disposes it when the call ends, releasing its concurrency slot;
/// domain services receive it with their command (null there means the service's own work, such as a
/// warm-up: no grants are checked, nothing is charged).
/// </summary>
public sealed class CallerScope : IDisposable
{
    /// <summary>Longest model name or request id an audit line repeats (both come from the caller); a longer one is cut,
    /// and sensitive numbers in either are masked.</summary>
    private const int MaxNameChars = 128;

    private Caller? _caller;
    private QuotaAccount? _account;
    private RateLimitLease? _slot;
    private int _promptTokens;
    private int _generatedTokens;
    private string _requestId = string.Empty;

    internal CallerScope(string operation, string transport, string requestId, DateTimeOffset startedAt, long started)
    {
        Operation = operation;
        Transport = transport;
        RequestId = requestId;
        StartedAt = startedAt;
        Started = started;
    }

    /// <summary>What the call is: a gRPC method (<c>package.Service/Method</c>) or an HTTP route (<c>POST /v1/embeddings</c>).</summary>
    public string Operation { get; }

    /// <summary><c>grpc</c> or <c>http</c> (JSON transcoding, the OpenAI-compatible API).</summary>
    public string Transport { get; }

    /// <summary>The request's id: the request's own (<c>request_id</c>, <c>X-Request-Id</c>), the one the service made, or the server's.</summary>
    public string RequestId
    {
        get => _requestId;
        set => _requestId = Cut(value ?? string.Empty);
    }

    /// <summary>The caller's id once authenticated; empty before, or when it could not be.</summary>
    public string CallerId => _caller?.Id ?? string.Empty;

    /// <summary>The caller's policy for identification and phone numbers in its text; <see cref="SensitiveNumberPolicy.Allow"/>
    /// before it is authenticated.</summary>
    public SensitiveNumberPolicy SensitiveNumbers => _caller?.SensitiveNumbers ?? SensitiveNumberPolicy.Allow;

    /// <summary>The model the call named (set by <see cref="AuthorizeModel"/>); empty when none.</summary>
    public string Model { get; private set; } = string.Empty;

    /// <summary>Prompt tokens the call counted (<see cref="ChargePrompt"/>).</summary>
    public int PromptTokens => Volatile.Read(ref _promptTokens);

    /// <summary>Tokens the call generated (<see cref="ChargeGenerated"/>).</summary>
    public int GeneratedTokens => Volatile.Read(ref _generatedTokens);

    internal DateTimeOffset StartedAt { get; }

    internal long Started { get; }

    /// <summary>Admits the call as <paramref name="rpc"/> (<c>package.Service/Method</c>): checks the
    /// caller's grant (<see cref="PermissionDeniedException"/>) and takes one of its concurrent request or
    /// stream slots (<see cref="OverloadedException"/>), held until the scope is disposed.</summary>
    public void Admit(string rpc, bool stream)
    {
        var caller = Caller;
        if (!caller.Grants.HasRpc(rpc))
        {
            throw new PermissionDeniedException(caller.Id, "RPC", rpc);
        }

        _slot = _account!.AcquireSlot(stream);
    }

    /// <summary>Whether the caller may use <paramref name="model"/> (e.g. to list only those).</summary>
    public bool IsGranted(string model) => _caller?.Grants.HasModel(model) == true;

    /// <summary>Records <paramref name="model"/> as the call's and throws <see cref="PermissionDeniedException"/>
    /// when the caller has no grant for it.</summary>
    public void AuthorizeModel(string model)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = Cut(model);
        var caller = Caller;
        if (!caller.Grants.HasModel(model))
        {
            throw new PermissionDeniedException(caller.Id, "model", Model);
        }
    }

    /// <summary>Throws <see cref="OverloadedException"/>, with when to come back, while the caller's
    /// generated tokens of the last minute are at its quota; a generation starts only below it.</summary>
    public void EnsureGeneratedRoom() => _account?.EnsureGeneratedRoom();

    /// <summary>Counts the call's <paramref name="tokens"/> prompt tokens (as the tokenizer counted them)
    /// and charges them to the caller's quota; throws <see cref="OverloadedException"/>, charging nothing,
    /// when they do not fit in its last minute.</summary>
    public void ChargePrompt(int tokens)
    {
        Interlocked.Exchange(ref _promptTokens, tokens);
        _account?.ChargePrompt(tokens);
    }

    /// <summary>Counts one request message of a client- or bidi-streaming call against the caller's
    /// quota of stream messages per second. Returns null when the message may be processed, else the
    /// refusal to answer it with in-band (the message is not processed; the stream serves on). Costs a
    /// null check while the quota is unlimited.</summary>
    public OverloadedException? TakeStreamMessage() => _account?.TakeStreamMessage();

    /// <summary>Counts and charges <paramref name="tokens"/> more generated tokens.</summary>
    public void ChargeGenerated(int tokens)
    {
        Interlocked.Add(ref _generatedTokens, tokens);
        _account?.ChargeGenerated(tokens);
    }

    /// <summary>Releases the call's concurrency slot.</summary>
    public void Dispose() => Interlocked.Exchange(ref _slot, null)?.Dispose();

    internal void Identify(Caller caller, QuotaAccount account)
    {
        _caller = caller;
        _account = account;
    }

    private Caller Caller => _caller ?? throw new InvalidOperationException("the call's caller has not been authenticated");

    private static string Cut(string value) => Text.SensitiveNumbers.Redact(value.Length > MaxNameChars ? value[..MaxNameChars] : value);
}
