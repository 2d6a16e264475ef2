using KazGrpc.Generation;

namespace KazGrpc.InferenceSvc.Generation;

/// <summary>New output of a generation: text (complete characters) and the ids generated since the previous chunk.</summary>
public sealed record GenerationChunk(string Text, IReadOnlyList<SampledToken> Tokens) : GenerationUpdate;
