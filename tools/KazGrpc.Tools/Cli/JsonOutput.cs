using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Rpc;

namespace KazGrpc.Tools.Cli;

/// <summary>What <c>--json</c> writes: one JSON document per line, protobuf messages in proto3's JSON mapping.</summary>
internal static class JsonOutput
{
    // Fields at their default value are written too, so that a script finds `truncated: false`
    // and `completionTokens: 0` instead of a missing key. The registry lets error details (Any) render.
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default
        .WithFormatDefaultValues(true)
        .WithTypeRegistry(TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor)));

    // Kazakh and Russian text stays readable instead of becoming \u escapes.
    private static readonly JsonSerializerOptions NodeOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The message in proto3's JSON mapping, on one line.</summary>
    public static string Format(IMessage message) => Formatter.Format(message);

    public static void Write(TextWriter writer, IMessage message)
    {
        writer.WriteLine(Format(message));
        writer.Flush();
    }

    public static void Write(TextWriter writer, JsonNode node)
    {
        writer.WriteLine(node.ToJsonString(NodeOptions));
        writer.Flush();
    }
}
