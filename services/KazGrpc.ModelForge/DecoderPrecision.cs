namespace KazGrpc.ModelForge;

/// <summary>The numeric form of a forged decoder's weights and activations.</summary>
public enum DecoderPrecision
{
    /// <summary>Float32 weights and activations (the default); the KV cache is float32.</summary>
    Fp32,

    /// <summary>Float16 weights and activations, logits cast to float32 at the end; the KV cache is float16.</summary>
    Fp16,

    /// <summary>
    /// The linear layers as <c>com.microsoft</c> <c>MatMulNBits</c> (4 bits, blockwise scales) quantized
    /// from the float32 weights; embeddings, norms and activations stay float32, and so does the KV cache.
    /// </summary>
    Int4,
}
