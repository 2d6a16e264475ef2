using KazGrpc.ModelForge;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>The models directory the functional tests serve: the real all-MiniLM-L6-v2, the forge's
/// identity encoder (tokenized by minilm) and the forged tiny decoder kaz-tiny (o200k_base), as run.sh serves it.</summary>
public static class InferenceModels
{
    public static void Write(string directory)
    {
        Directory.CreateSymbolicLink(Path.Combine(directory, "minilm"), PreparedModels.MiniLmDirectory);
        IdentityEncoder.Write(Path.Combine(directory, "identity"), tokenizer: "minilm");
        LlamaDecoder.Write(Path.Combine(directory, "kaz-tiny"), new DecoderForgeOptions());
    }
}
