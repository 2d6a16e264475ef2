namespace KazGrpc.InferenceSvc.Generation;

/// <summary>What a running generation yields: <see cref="GenerationChunk"/>s, then one <see cref="GenerationSummary"/>.</summary>
public abstract record GenerationUpdate;
