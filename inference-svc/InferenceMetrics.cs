using System.Diagnostics.Metrics;
using KazGrpc.Hosting;

namespace KazGrpc.InferenceSvc;

/// <summary>inference-svc's own instruments (the batcher records its own); tags: model only.</summary>
public sealed class InferenceMetrics(ServerMetrics server)
{
    private readonly Histogram<double> _tokenizerHop = server.Meter.CreateHistogram<double>(
        "kazgrpc.tokenizer.hop_duration", "s", "Time of one tokenizer round trip from inference-svc, by model.");

    private readonly Counter<long> _promptTokens = server.Meter.CreateCounter<long>(
        "kazgrpc.embed.prompt_tokens", "{token}", "Tokens embedded, by model.");

    /// <summary>Records one tokenizer round trip.</summary>
    public void TokenizerHop(string model, TimeSpan elapsed) =>
        _tokenizerHop.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("model", model));

    /// <summary>Records embedded tokens.</summary>
    public void PromptTokens(string model, long tokens) =>
        _promptTokens.Add(tokens, new KeyValuePair<string, object?>("model", model));
}
