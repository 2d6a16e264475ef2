using System.Text.Json.Serialization;

namespace KazGrpc.Bench;

/// <summary>Source-generated JSON serialisation of <see cref="BenchReport"/>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
