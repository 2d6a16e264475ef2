using KazGrpc.ModelForge.Onnx;

namespace KazGrpc.ModelForge;

/// <summary>
/// Forges XLM-RoBERTa-class sentence encoders (the family of multilingual-e5 and
/// paraphrase-multilingual) with the graph inputs and output of their ONNX exports: no
/// <c>token_type_ids</c>, only <c>input_ids</c> and <c>attention_mask</c> (int64 [batch, sequence]),
/// and <c>last_hidden_state</c> (float [batch, sequence, hidden]) for the registry's mean pooling.
/// Random weights make no sense of language; the model exercises every path of a real export exactly.
/// </summary>
/// <remarks>
/// <para>Embeddings: token + position + token type 0, then LayerNorm. Position ids are RoBERTa's:
/// <c>cumsum(mask) · mask + padding_id</c>, so the first token's is 2 and padding's is the padding
/// id (the export derives them from <c>input_ids != padding_id</c>; with padding on the right both
/// give the same ids to every token). Each layer is post-norm BERT: multi-head self-attention whose
/// masked keys get -1e9 (their weight is exactly 0), output projection, residual, LayerNorm; GELU
/// feed-forward (erf form), residual, LayerNorm. ONNX opset 17.</para>
/// </remarks>
public static class XlmRobertaEncoder
{
    /// <summary>The token id input.</summary>
    public const string InputIds = "input_ids";

    /// <summary>The attention mask input (1 for tokens, 0 for padding on the right).</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>The output.</summary>
    public const string LastHiddenState = "last_hidden_state";

    /// <summary>multilingual-e5's query prefix, written to <c>kazgrpc.json</c> by default.</summary>
    public const string E5QueryPrefix = "query: ";

    /// <summary>multilingual-e5's passage prefix, written to <c>kazgrpc.json</c> by default.</summary>
    public const string E5PassagePrefix = "passage: ";

    private const float MaskedScore = -1e9f;

    /// <summary>Builds the model of <paramref name="weights"/>.</summary>
    /// <param name="weights">The weights and their dimensions.</param>
    /// <returns>A new model.</returns>
    public static ModelProto Build(XlmRobertaWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        var a = weights.Architecture;
        const long toFloat = (long)OnnxElementType.Float;
        var graph = new GraphBuilder("xlm_roberta_encoder")
            .SetDocString("KazGrpc forged XLM-RoBERTa-class encoder: random weights, it knows no language.")
            .AddMetadata(LlamaDecoder.ForgeMetadataKey, "xlm-roberta-encoder")
            .AddInput(InputIds, OnnxElementType.Int64, "batch", "sequence")
            .AddInput(AttentionMask, OnnxElementType.Int64, "batch", "sequence")
            .AddOutput(LastHiddenState, OnnxElementType.Float, "batch", "sequence", a.HiddenSize)
            .AddInitializer("word_embeddings", weights.WordEmbeddings.Span, [a.VocabSize, a.HiddenSize])
            .AddInitializer("position_embeddings", weights.PositionEmbeddings.Span, [a.MaxPositions, a.HiddenSize])
            .AddInitializer("token_type_embedding", weights.TokenTypeEmbedding.Span, [a.HiddenSize])
            .AddInitializer("embeddings_norm", weights.EmbeddingNorm.Span, [a.HiddenSize])
            .AddInitializer("embeddings_norm_bias", weights.EmbeddingNormBias.Span, [a.HiddenSize])
            .AddInitializer("sequence_axis", [1L], [])
            .AddInitializer("padding_id", [(long)a.PaddingId], [])
            .AddInitializer("one", [1f], [])
            .AddInitializer("masked_score", [MaskedScore], [])
            .AddInitializer("mask_axes", [1L, 2L], [2])
            .AddInitializer("heads_shape", [0L, 0L, a.NumHeads, a.HeadSize], [4])
            .AddInitializer("hidden_shape", [0L, 0L, a.HiddenSize], [3])
            .AddInitializer("score_scale", [1f / MathF.Sqrt(a.HeadSize)], [])
            .AddInitializer("inverse_sqrt2", [1f / MathF.Sqrt(2f)], [])
            .AddInitializer("half", [0.5f], [])

            // Embeddings.
            .AddNode("Gather", ["word_embeddings", InputIds], ["embeddings/word"], g => g.SetInt("axis", 0))
            .AddNode("CumSum", [AttentionMask, "sequence_axis"], ["positions/count"])
            .AddNode("Mul", ["positions/count", AttentionMask], ["positions/masked"])
            .AddNode("Add", ["positions/masked", "padding_id"], ["position_ids"])
            .AddNode("Gather", ["position_embeddings", "position_ids"], ["embeddings/position"], g => g.SetInt("axis", 0))
            .AddNode("Add", ["embeddings/word", "embeddings/position"], ["embeddings/word_position"])
            .AddNode("Add", ["embeddings/word_position", "token_type_embedding"], ["embeddings/sum"])
            .AddNode("LayerNormalization", ["embeddings/sum", "embeddings_norm", "embeddings_norm_bias"], ["embeddings/out"],
                n => n.SetInt("axis", -1).SetFloat("epsilon", a.LayerNormEpsilon))

            // The additive attention mask, [batch, 1, 1, sequence]: 0 for tokens, -1e9 for padding.
            .AddNode("Cast", [AttentionMask], ["mask/float"], c => c.SetInt("to", toFloat))
            .AddNode("Sub", ["one", "mask/float"], ["mask/inverted"])
            .AddNode("Mul", ["mask/inverted", "masked_score"], ["mask/scores"])
            .AddNode("Unsqueeze", ["mask/scores", "mask_axes"], ["mask/bias"]);

        var hidden = "embeddings/out";
        for (var i = 0; i < a.NumLayers; i++)
        {
            hidden = AddLayer(graph, weights.Layers[i], a, $"layers.{i}", hidden, i == a.NumLayers - 1 ? LastHiddenState : null);
        }

        return graph.Build();
    }

    /// <summary>
    /// Generates weights for <paramref name="architecture"/> from <paramref name="seed"/> and writes
    /// the model directory; see <see cref="Write(string, XlmRobertaWeights, string, string?, string?)"/>.
    /// </summary>
    /// <param name="directory">The model directory, created if missing.</param>
    /// <param name="architecture">The dimensions.</param>
    /// <param name="seed">The seed of the weights.</param>
    /// <returns>The full path of <c>model.onnx</c>.</returns>
    public static string Write(string directory, XlmRobertaArchitecture architecture, ulong seed = DecoderForgeOptions.DefaultSeed) =>
        Write(directory, XlmRobertaWeights.Generate(architecture, seed));

    /// <summary>
    /// Writes a model directory: <c>model.onnx</c> and a <c>kazgrpc.json</c> that describes it as an
    /// embedding model with mean pooling, the architecture's token limit and dimensions, and the
    /// prefixes. The tokenizer files (a SentencePiece <c>sentencepiece.bpe.model</c> whose ids,
    /// shifted as XLM-R's are, fit the vocabulary) are the caller's. Existing files are replaced.
    /// </summary>
    /// <param name="directory">The model directory, created if missing.</param>
    /// <param name="weights">The weights.</param>
    /// <param name="tokenizer">The tokenizer name for <c>kazgrpc.json</c>; default (null): the directory's name.</param>
    /// <param name="queryPrefix">The query prefix; default E5's <c>query: </c>; null for none.</param>
    /// <param name="passagePrefix">The passage prefix; default E5's <c>passage: </c>; null for none.</param>
    /// <returns>The full path of <c>model.onnx</c>.</returns>
    public static string Write(string directory, XlmRobertaWeights weights, string? tokenizer = null, string? queryPrefix = E5QueryPrefix, string? passagePrefix = E5PassagePrefix)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        ArgumentNullException.ThrowIfNull(weights);
        var modelPath = ModelWriter.Save(Build(weights), directory);
        new EmbeddingModelConfig
        {
            Pooling = "mean",
            MaxTokens = weights.Architecture.MaxTokens,
            Tokenizer = tokenizer,
            Dimensions = weights.Architecture.HiddenSize,
            QueryPrefix = queryPrefix,
            PassagePrefix = passagePrefix,
        }.Save(directory);
        return modelPath;
    }

    private static string AddLayer(GraphBuilder graph, XlmRobertaLayerWeights w, XlmRobertaArchitecture a, string name, string input, string? output)
    {
        string V(string value) => $"{name}/{value}";
        long h = a.HiddenSize;
        long m = a.IntermediateSize;
        graph
            .AddInitializer(V("query"), w.Query.Span, [h, h]).AddInitializer(V("query_bias"), w.QueryBias.Span, [h])
            .AddInitializer(V("key"), w.Key.Span, [h, h]).AddInitializer(V("key_bias"), w.KeyBias.Span, [h])
            .AddInitializer(V("value"), w.Value.Span, [h, h]).AddInitializer(V("value_bias"), w.ValueBias.Span, [h])
            .AddInitializer(V("output"), w.Output.Span, [h, h]).AddInitializer(V("output_bias"), w.OutputBias.Span, [h])
            .AddInitializer(V("attention_norm"), w.AttentionNorm.Span, [h]).AddInitializer(V("attention_norm_bias"), w.AttentionNormBias.Span, [h])
            .AddInitializer(V("intermediate"), w.Intermediate.Span, [h, m]).AddInitializer(V("intermediate_bias"), w.IntermediateBias.Span, [m])
            .AddInitializer(V("ffn_output"), w.FeedForwardOutput.Span, [m, h]).AddInitializer(V("ffn_output_bias"), w.FeedForwardOutputBias.Span, [h])
            .AddInitializer(V("ffn_norm"), w.FeedForwardNorm.Span, [h]).AddInitializer(V("ffn_norm_bias"), w.FeedForwardNormBias.Span, [h]);

        // Heads: [batch, sequence, hidden] -> [batch, heads, sequence, head_size]; keys transposed to [.., head_size, sequence].
        foreach (var (projection, perm) in new[] { ("query", new long[] { 0, 2, 1, 3 }), ("key", [0, 2, 3, 1]), ("value", [0, 2, 1, 3]) })
        {
            graph
                .AddNode("MatMul", [input, V(projection)], [V($"{projection}/product")])
                .AddNode("Add", [V($"{projection}/product"), V($"{projection}_bias")], [V($"{projection}/out")])
                .AddNode("Reshape", [V($"{projection}/out"), "heads_shape"], [V($"{projection}/heads")])
                .AddNode("Transpose", [V($"{projection}/heads")], [V($"{projection}/transposed")], t => t.SetInts("perm", perm));
        }

        graph
            .AddNode("MatMul", [V("query/transposed"), V("key/transposed")], [V("scores/raw")])
            .AddNode("Mul", [V("scores/raw"), "score_scale"], [V("scores/scaled")])
            .AddNode("Add", [V("scores/scaled"), "mask/bias"], [V("scores/masked")])
            .AddNode("Softmax", [V("scores/masked")], [V("attention/weights")], s => s.SetInt("axis", -1))
            .AddNode("MatMul", [V("attention/weights"), V("value/transposed")], [V("attention/heads")])
            .AddNode("Transpose", [V("attention/heads")], [V("attention/sequence_major")], t => t.SetInts("perm", [0, 2, 1, 3]))
            .AddNode("Reshape", [V("attention/sequence_major"), "hidden_shape"], [V("attention/context")])
            .AddNode("MatMul", [V("attention/context"), V("output")], [V("attention/product")])
            .AddNode("Add", [V("attention/product"), V("output_bias")], [V("attention/out")])
            .AddNode("Add", [V("attention/out"), input], [V("attention/residual")])
            .AddNode("LayerNormalization", [V("attention/residual"), V("attention_norm"), V("attention_norm_bias")], [V("attention/normed")],
                n => n.SetInt("axis", -1).SetFloat("epsilon", a.LayerNormEpsilon))

            // GELU, erf form: x · (1 + erf(x / √2)) / 2.
            .AddNode("MatMul", [V("attention/normed"), V("intermediate")], [V("ffn/product")])
            .AddNode("Add", [V("ffn/product"), V("intermediate_bias")], [V("ffn/pre")])
            .AddNode("Mul", [V("ffn/pre"), "inverse_sqrt2"], [V("ffn/scaled")])
            .AddNode("Erf", [V("ffn/scaled")], [V("ffn/erf")])
            .AddNode("Add", [V("ffn/erf"), "one"], [V("ffn/erf_plus_one")])
            .AddNode("Mul", [V("ffn/pre"), V("ffn/erf_plus_one")], [V("ffn/gelu_double")])
            .AddNode("Mul", [V("ffn/gelu_double"), "half"], [V("ffn/gelu")])
            .AddNode("MatMul", [V("ffn/gelu"), V("ffn_output")], [V("ffn/out_product")])
            .AddNode("Add", [V("ffn/out_product"), V("ffn_output_bias")], [V("ffn/out")])
            .AddNode("Add", [V("ffn/out"), V("attention/normed")], [V("ffn/residual")]);

        var result = output ?? V("out");
        graph.AddNode("LayerNormalization", [V("ffn/residual"), V("ffn_norm"), V("ffn_norm_bias")], [result],
            n => n.SetInt("axis", -1).SetFloat("epsilon", a.LayerNormEpsilon));
        return result;
    }
}
