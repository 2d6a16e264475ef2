namespace KazGrpc.Bench.Core;

/// <summary>What one call of a load did: items completed (texts, embeddings, replies), their UTF-8 bytes and tokens.</summary>
internal readonly record struct Work(int Items, long Bytes, long Tokens);
