using KazGrpc.ModelForge;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>The models directory the functional tests serve: the real all-MiniLM-L6-v2, the forge's
/// identity encoder (tokenized by minilm) and a generation model directory.</summary>
public static class InferenceModels
{
    public static void Write(string directory)
    {
        Directory.CreateSymbolicLink(Path.Combine(directory, "minilm"), PreparedModels.MiniLmDirectory);
        IdentityEncoder.Write(Path.Combine(directory, "identity"), tokenizer: "minilm");
        var generation = Path.Combine(directory, "kaz-gen");
        Directory.CreateDirectory(generation);
        File.Copy(Path.Combine(directory, "identity", "model.onnx"), Path.Combine(generation, "model.onnx"));
        File.WriteAllText(Path.Combine(generation, "genai_config.json"), """{"model":{"context_length":2048,"eos_token_id":199999}}""");
    }
}
