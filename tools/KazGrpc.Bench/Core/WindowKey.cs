namespace KazGrpc.Bench.Core;

/// <summary>What makes windows of different runs the same measurement, for medians.</summary>
/// <param name="Kind">What was measured.</param>
/// <param name="Batch">In-process batch size of an <see cref="WindowKind.InProcess"/> window; the streams of a bench generate
/// window (concurrent requests; onnxruntime-genai's batch size); otherwise 0.</param>
/// <param name="Language">Language code of a bench tokenize window; otherwise empty.</param>
internal readonly record struct WindowKey(WindowKind Kind, int Batch = 0, string Language = "");
