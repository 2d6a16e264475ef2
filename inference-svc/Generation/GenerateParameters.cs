namespace KazGrpc.InferenceSvc.Generation;

/// <summary>Sampling and stopping rules as the caller gave them (proto defaults where unset).</summary>
public sealed record GenerateParameters
{
    public uint? MaxNewTokens { get; init; }

    public float Temperature { get; init; }

    public uint TopK { get; init; }

    public float? TopP { get; init; }

    public float MinP { get; init; }

    public float? RepetitionPenalty { get; init; }

    public float PresencePenalty { get; init; }

    public float FrequencyPenalty { get; init; }

    public IReadOnlyDictionary<uint, float> LogitBias { get; init; } = new Dictionary<uint, float>();

    public ulong? Seed { get; init; }

    public IReadOnlyList<string> Stop { get; init; } = [];

    public IReadOnlyList<uint> StopTokenIds { get; init; } = [];

    public uint MinNewTokens { get; init; }

    public bool IgnoreEos { get; init; }

    public uint Logprobs { get; init; }
}
