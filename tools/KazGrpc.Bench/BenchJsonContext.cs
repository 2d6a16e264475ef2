using System.Text.Json.Serialization;
using KazGrpc.Bench.Embed;

namespace KazGrpc.Bench;

/// <summary>Source-generated JSON serialisation of the results of <c>bench tokenize</c> and <c>bench embed</c>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(EmbedReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
