using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using KazGrpc.Bench.Embed;

namespace KazGrpc.Bench;

/// <summary>Source-generated JSON serialisation of the results of <c>bench tokenize</c> and <c>bench embed</c>.</summary>
[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BenchReport))]
[JsonSerializable(typeof(EmbedReport))]
internal sealed partial class BenchJsonContext : JsonSerializerContext
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="path"/>, creating its directory.</summary>
    public static async Task WriteAsync<T>(string path, T report, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, report, type, cancellationToken);
    }
}
