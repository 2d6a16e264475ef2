using System.Text.Json.Serialization;
using KazGrpc.Bench.Embed;
using KazGrpc.Bench.Generate;
using KazGrpc.Bench.Tokenize;

namespace KazGrpc.Bench.Core;

/// <summary>Source-generated JSON of the results.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(BenchResult<TokenizeSettings>))]
[JsonSerializable(typeof(BenchResult<EmbedSettings>))]
[JsonSerializable(typeof(BenchResult<GenerateSettings>))]
internal sealed partial class BenchJsonContext : JsonSerializerContext;
