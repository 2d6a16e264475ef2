using System.Text.Json.Serialization;

namespace KazGrpc.Bench.GenAi;

/// <summary>Source-generated JSON of the lines this process reads and writes (bench generate compiles these files too).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(GenAiBatchRequest))]
[JsonSerializable(typeof(GenAiBatchResult))]
[JsonSerializable(typeof(GenAiReady))]
internal sealed partial class GenAiJsonContext : JsonSerializerContext;
