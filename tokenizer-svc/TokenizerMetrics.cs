using System.Diagnostics.Metrics;
using KazGrpc.Hosting;

namespace KazGrpc.TokenizerSvc;

/// <summary>tokenizer-svc's own instruments; tagged by tokenizer name and operation only.</summary>
public sealed class TokenizerMetrics(ServerMetrics server)
{
    private readonly Counter<long> _tokens = server.Meter.CreateCounter<long>(
        "kazgrpc.tokenizer.tokens", "{token}", "Tokens produced by encoding or consumed by decoding.");

    private readonly Counter<long> _texts = server.Meter.CreateCounter<long>(
        "kazgrpc.tokenizer.texts", "{text}", "Texts encoded.");

    /// <summary>Records encoded texts and their tokens.</summary>
    public void Encoded(string tokenizer, int texts, long tokens)
    {
        var tag = new KeyValuePair<string, object?>("tokenizer", tokenizer);
        _texts.Add(texts, tag, new KeyValuePair<string, object?>("operation", "encode"));
        _tokens.Add(tokens, tag, new KeyValuePair<string, object?>("operation", "encode"));
    }

    /// <summary>Records decoded tokens.</summary>
    public void Decoded(string tokenizer, long tokens) =>
        _tokens.Add(tokens, new KeyValuePair<string, object?>("tokenizer", tokenizer), new KeyValuePair<string, object?>("operation", "decode"));
}
