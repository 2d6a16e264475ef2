using System.Diagnostics.Metrics;
using KazGrpc.Client;
using KazGrpc.Hosting;

namespace KazGrpc.InferenceSvc;

/// <summary>
/// inference-svc's own instruments (the batcher records its own); tags: model only. The tokenizer
/// client's message and text counts are per process (one client serves every model), so untagged:
/// their ratio is how many texts one message to tokenizer-svc carries, i.e. how well concurrent
/// calls are merged on the hop.
/// </summary>
public sealed class InferenceMetrics
{
    private readonly Histogram<double> _tokenizerHop;
    private readonly Counter<long> _promptTokens;

    /// <summary>Creates the instruments on the server's meter.</summary>
    public InferenceMetrics(ServerMetrics server, TokenizerClient tokenizer)
    {
        _tokenizerHop = server.Meter.CreateHistogram<double>(
            "kazgrpc.tokenizer.hop_duration", "s", "Time of one tokenizer round trip from inference-svc, by model.");
        _promptTokens = server.Meter.CreateCounter<long>(
            "kazgrpc.embed.prompt_tokens", "{token}", "Tokens embedded, by model.");
        server.Meter.CreateObservableCounter(
            "kazgrpc.tokenizer.hop_messages", () => tokenizer.MessagesSent, "{message}",
            "Tokenize messages sent to tokenizer-svc (concurrent calls merged into one message count once; retries do not count).");
        server.Meter.CreateObservableCounter(
            "kazgrpc.tokenizer.hop_texts", () => tokenizer.TextsSent, "{text}",
            "Texts in the Tokenize messages sent to tokenizer-svc.");
    }

    /// <summary>Records one tokenizer round trip.</summary>
    public void TokenizerHop(string model, TimeSpan elapsed) =>
        _tokenizerHop.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    /// <summary>Records embedded tokens.</summary>
    public void PromptTokens(string model, long tokens) =>
        _promptTokens.Add(tokens, new KeyValuePair<string, object?>("model", model));
}
