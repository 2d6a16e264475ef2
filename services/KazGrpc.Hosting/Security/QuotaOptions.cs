namespace KazGrpc.Hosting.Security;

/// <summary>
/// A caller's quotas (<c>Auth:DefaultQuotas</c>, or <c>Auth:Callers:{id}:Quotas</c> over it). Each
/// limit is a number, 0 for unlimited, or unset: a caller's unset limit is the default's, and an
/// unset default is unlimited. Token rates count tokens as the tokenizer counts them (the usage the
/// responses report) over a sliding minute.
/// </summary>
public sealed class QuotaOptions
{
    /// <summary>Unary calls in progress at once (Embed, Complete, ListModels, Tokenize, a non-streamed
    /// OpenAI request, ...). Default unset.</summary>
    public int? MaxConcurrentRequests { get; set; }

    /// <summary>Streaming calls in progress at once (Generate, TokenizeStream, DetokenizeStream, a
    /// streamed OpenAI request). Default unset.</summary>
    public int? MaxConcurrentStreams { get; set; }

    /// <summary>Prompt tokens (Embed inputs, Generate and Complete prompts) admitted in any minute. A
    /// request that would go over waits for nothing: it is refused with the time at which enough of the
    /// minute has passed. Default unset.</summary>
    public int? PromptTokensPerMinute { get; set; }

    /// <summary>Tokens generated in any minute. Counted as they are generated; a request starts only
    /// while the caller is under it, so one request may take the count over by its
    /// <c>max_new_tokens</c>, and the next waits for that much longer. Default unset.</summary>
    public int? GeneratedTokensPerMinute { get; set; }

    /// <summary>Request messages per second on the caller's client- and bidi-streaming calls
    /// (TokenizeStream, DetokenizeStream), counted across all its streams in the process; a burst of one
    /// second's worth passes at once. A message over it is answered in-band with RESOURCE_EXHAUSTED and
    /// RetryInfo and not processed, and the stream serves on. Default unset.</summary>
    public int? StreamMessagesPerSecond { get; set; }
}
