namespace KazGrpc.Generation;

/// <summary>What an engine holds at one moment, for metrics and routers.</summary>
/// <param name="Slots">KV rows of the model.</param>
/// <param name="Running">Sequences holding a row (prefilling or decoding).</param>
/// <param name="Waiting">Requests queued for a row.</param>
/// <param name="KvPositionsUsed">Positions held in the KV cache by running sequences.</param>
/// <param name="KvPositionsCapacity">Positions the KV cache holds in all (slots times positions per slot).</param>
public readonly record struct GenerationEngineStatus(int Slots, int Running, int Waiting, long KvPositionsUsed, long KvPositionsCapacity)
{
    /// <summary>Share of the KV cache in use, in [0, 1].</summary>
    public double KvUsage => KvPositionsCapacity == 0 ? 0 : (double)KvPositionsUsed / KvPositionsCapacity;
}
