namespace KazGrpc.Bench.GenAi;

/// <summary>What the process says once the model is loaded and warm.</summary>
/// <param name="StopwatchFrequency">Ticks a second of its timestamps.</param>
/// <param name="PadTokenId">The id rows are padded with on the left.</param>
internal sealed record GenAiReady(long StopwatchFrequency, int PadTokenId);
