namespace KazGrpc.Bench.Text;

/// <summary>Texts that one call tokenizes, with their UTF-8 bytes.</summary>
internal sealed record TextBatch(string[] Texts, long Bytes);
