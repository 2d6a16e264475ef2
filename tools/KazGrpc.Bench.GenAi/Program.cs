using System.Diagnostics;
using System.Text.Json;
using KazGrpc.Bench.GenAi;
using KazGrpc.ModelForge;
using Microsoft.ML.OnnxRuntimeGenAI;

// kazgrpc-bench-genai MODEL_DIR [INTRA_OP_THREADS]: loads the model, warms it, writes "ready {json}",
// then answers each GenAiBatchRequest line on standard input with "result {json}" (or "error text")
// until standard input closes. bench generate starts it; it is not meant to be run by hand.
if (args.Length is < 1 or > 2 || !Directory.Exists(args[0]))
{
    await Console.Error.WriteLineAsync("usage: kazgrpc-bench-genai MODEL_DIR [INTRA_OP_THREADS]");
    return 2;
}

var threads = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 0;
using var config = new Config(args[0]);
if (threads > 0)
{
    config.Overlay("""{"model": {"decoder": {"session_options": {"intra_op_num_threads": """ + threads.ToString(System.Globalization.CultureInfo.InvariantCulture) + "}}}}");
}

using var model = new Model(config);
var padTokenId = GenAiConfig.Read(args[0]).EffectivePadTokenId;
var generator = new StaticBatchGenerator(model, padTokenId);
generator.Run(new GenAiBatchRequest([[1, 2, 3, 4, 5, 6, 7, 8], [9, 10, 11]], 8));
Console.WriteLine("ready " + JsonSerializer.Serialize(new GenAiReady(Stopwatch.Frequency, padTokenId), GenAiJsonContext.Default.GenAiReady));

while (await Console.In.ReadLineAsync() is { } line)
{
    try
    {
        var request = JsonSerializer.Deserialize(line, GenAiJsonContext.Default.GenAiBatchRequest) ?? throw new JsonException("empty request");
        Console.WriteLine("result " + JsonSerializer.Serialize(generator.Run(request), GenAiJsonContext.Default.GenAiBatchResult));
    }
    catch (Exception ex) when (ex is JsonException or OnnxRuntimeGenAIException or ArgumentException)
    {
        Console.WriteLine("error " + ex.Message.ReplaceLineEndings(" "));
    }
}

return 0;
