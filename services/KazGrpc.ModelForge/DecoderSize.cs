namespace KazGrpc.ModelForge;

/// <summary>The forge's named decoder shapes; <see cref="DecoderArchitecture.For"/> gives their dimensions.</summary>
public enum DecoderSize
{
    /// <summary>For tests: 2 layers, hidden 64, 4 heads over 2 KV heads of 16, MLP 128, context 2048.</summary>
    Tiny,

    /// <summary>
    /// For benchmarks: 4 layers, hidden 256, 4 heads over 2 KV heads of 64, MLP 768, untied LM head,
    /// context 4096; about 105 million parameters with o200k's vocabulary, most of them in the
    /// embedding and the LM head, as in a small real model.
    /// </summary>
    Bench,
}
