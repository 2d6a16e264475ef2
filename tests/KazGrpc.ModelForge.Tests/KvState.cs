namespace KazGrpc.ModelForge.Tests;

/// <summary>The KV of every layer after a step, float32 whatever the model's KV type: keys then values, each [batch, kv_heads, length, head_size].</summary>
public sealed record KvState(int Batch, int Length, float[][] Keys, float[][] Values);
