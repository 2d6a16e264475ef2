using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using KazGrpc.ModelForge.Onnx;

namespace KazGrpc.ModelForge;

/// <summary>
/// Forges Llama-class decoders with the graph inputs and outputs that onnxruntime-genai's model builder
/// writes for Llama, so that the runtime treats a forged model and a real export alike: token
/// embedding (Gather); per layer RMSNorm (<c>SimplifiedLayerNormalization</c>), q/k/v projections,
/// <c>com.microsoft</c> <c>GroupQueryAttention</c> with rotary embeddings inside (half rotation, not
/// interleaved), output projection, residual, RMSNorm, SwiGLU MLP, residual; final RMSNorm and LM head.
/// </summary>
/// <remarks>
/// <para>Inputs: <c>input_ids</c> int64 [batch_size, sequence_length]; <c>attention_mask</c> int64
/// [batch_size, total_sequence_length] (1 for each position a sequence holds, past and new, 0 for
/// padding on the right); <c>past_key_values.{i}.key</c> and <c>.value</c>
/// [batch_size, kv_heads, past_sequence_length, head_size]. Outputs: <c>logits</c> float32
/// [batch_size, 1, vocab_size] (or [batch_size, sequence_length, vocab_size] with
/// <see cref="DecoderForgeOptions.FullLogits"/>); <c>present.{i}.key</c> and <c>.value</c>
/// [batch_size, kv_heads, total_sequence_length, head_size]. KV tensors have the activation type:
/// float16 for <see cref="DecoderPrecision.Fp16"/>, float32 otherwise.</para>
/// <para>As the builder: <c>seqlens_k = ReduceSum(attention_mask, 1) - 1</c> and
/// <c>total_sequence_length = Shape(attention_mask)[1]</c>, both cast to int32. So each sequence's new
/// tokens take the positions just after its own past, whatever the batch's longest.</para>
/// </remarks>
public static class LlamaDecoder
{
    /// <summary>The token id input.</summary>
    public const string InputIds = "input_ids";

    /// <summary>The attention mask input.</summary>
    public const string AttentionMask = "attention_mask";

    /// <summary>The logits output, always float32.</summary>
    public const string Logits = "logits";

    /// <summary>The <c>model.type</c> of the genai config: <c>llama</c>.</summary>
    public const string ModelType = "llama";

    /// <summary>The model metadata key (<c>kazgrpc.forge</c>) whose value is <c>llama-decoder</c>.</summary>
    public const string ForgeMetadataKey = "kazgrpc.forge";

    /// <summary>The past-key input of layer <paramref name="layer"/>: <c>past_key_values.{layer}.key</c>.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The input name.</returns>
    public static string PastKey(int layer) => Name("past_key_values", layer, "key");

    /// <summary>The past-value input of layer <paramref name="layer"/>: <c>past_key_values.{layer}.value</c>.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The input name.</returns>
    public static string PastValue(int layer) => Name("past_key_values", layer, "value");

    /// <summary>The present-key output of layer <paramref name="layer"/>: <c>present.{layer}.key</c>.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The output name.</returns>
    public static string PresentKey(int layer) => Name("present", layer, "key");

    /// <summary>The present-value output of layer <paramref name="layer"/>: <c>present.{layer}.value</c>.</summary>
    /// <param name="layer">The layer index.</param>
    /// <returns>The output name.</returns>
    public static string PresentValue(int layer) => Name("present", layer, "value");

    /// <summary>The KV cache's element type for a precision: float16 for fp16, float32 for fp32 and int4.</summary>
    /// <param name="precision">The precision.</param>
    /// <returns>The element type of the past and present tensors.</returns>
    public static OnnxElementType ActivationType(DecoderPrecision precision) =>
        precision == DecoderPrecision.Fp16 ? OnnxElementType.Float16 : OnnxElementType.Float;

    /// <summary>
    /// Generates weights from <paramref name="options"/> (size, vocabulary, seed) and writes the model
    /// directory; see <see cref="Write(string, LlamaWeights, DecoderForgeOptions)"/>.
    /// </summary>
    /// <param name="directory">The model directory, created if missing.</param>
    /// <param name="options">What to forge.</param>
    /// <returns>The full path of <c>model.onnx</c>.</returns>
    public static string Write(string directory, DecoderForgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return Write(directory, LlamaWeights.Generate(options.Architecture(), options.Seed), options);
    }

    /// <summary>
    /// Writes a model directory: <c>model.onnx</c>, <c>genai_config.json</c> (see <see cref="CreateGenAiConfig"/>)
    /// and a <c>kazgrpc.json</c> of <c>{"kind": "generation", "tokenizer": ...}</c> naming the paired
    /// built-in tokenizer. Existing files are replaced.
    /// </summary>
    /// <param name="directory">The model directory, created if missing.</param>
    /// <param name="weights">The float32 weights; the size, vocabulary and seed of <paramref name="options"/> are not used.</param>
    /// <param name="options">The precision, logits, int4 and config options.</param>
    /// <returns>The full path of <c>model.onnx</c>.</returns>
    public static string Write(string directory, LlamaWeights weights, DecoderForgeOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        var modelPath = ModelWriter.Save(Build(weights, options), directory);
        CreateGenAiConfig(weights.Architecture, options).Save(directory);
        WriteKazGrpcJson(directory, options.Tokenizer);
        return modelPath;
    }

    /// <summary>
    /// The <c>genai_config.json</c> of a forged decoder: the architecture's dimensions, the I/O names
    /// above, <see cref="DecoderForgeOptions.EosTokenIdFor"/> as eos, bos and pad, max_length
    /// the context length, and <c>past_present_share_buffer</c> true, as the builder writes for
    /// GroupQueryAttention.
    /// </summary>
    /// <param name="architecture">The dimensions.</param>
    /// <param name="options">The options.</param>
    /// <returns>A new config.</returns>
    public static GenAiConfig CreateGenAiConfig(DecoderArchitecture architecture, DecoderForgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        ArgumentNullException.ThrowIfNull(options);
        var eos = options.EosTokenIdFor(architecture.VocabSize);
        return new GenAiConfig
        {
            ModelType = ModelType,
            VocabSize = architecture.VocabSize,
            ContextLength = architecture.ContextLength,
            EosTokenIds = [eos],
            BosTokenId = eos,
            PadTokenId = eos,
            NumHiddenLayers = architecture.NumLayers,
            NumAttentionHeads = architecture.NumHeads,
            NumKeyValueHeads = architecture.NumKvHeads,
            HeadSize = architecture.HeadSize,
            HiddenSize = architecture.HiddenSize,
            MaxLength = architecture.ContextLength,
            PastPresentShareBuffer = true,
        };
    }

    /// <summary>Builds the graph (ONNX opset 17 with <c>com.microsoft</c> 1) of <paramref name="weights"/> in the precision of <paramref name="options"/>.</summary>
    /// <param name="weights">The float32 weights.</param>
    /// <param name="options">The precision, logits and int4 options; validated against the weights.</param>
    /// <returns>A new model.</returns>
    /// <exception cref="ArgumentException">An option does not fit the weights.</exception>
    public static ModelProto Build(LlamaWeights weights, DecoderForgeOptions options)
    {
        ArgumentNullException.ThrowIfNull(weights);
        ArgumentNullException.ThrowIfNull(options);
        var a = weights.Architecture;
        options.Validate(a);
        return new Builder(weights, options).Build();
    }

    /// <summary>The rotary angle of position <paramref name="position"/> and pair <paramref name="pair"/>: <c>p · θ^(-2i / head_size)</c>, in double.</summary>
    /// <param name="position">The token's position, 0 first.</param>
    /// <param name="pair">The index i of the pair (i, i + head_size / 2), below head_size / 2.</param>
    /// <param name="architecture">The dimensions (head size, θ).</param>
    /// <returns>The angle in radians.</returns>
    public static double RotaryAngle(int position, int pair, DecoderArchitecture architecture)
    {
        ArgumentNullException.ThrowIfNull(architecture);
        return position * Math.Pow(architecture.RopeTheta, -2.0 * pair / architecture.HeadSize);
    }

    private static string Name(string prefix, int layer, string kind)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(layer);
        return string.Create(CultureInfo.InvariantCulture, $"{prefix}.{layer}.{kind}");
    }

    private static void WriteKazGrpcJson(string directory, string tokenizer)
    {
        var path = Path.Combine(directory, EmbeddingModelConfig.FileName);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None);
        using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n" }))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", "generation");
            writer.WriteString("tokenizer", tokenizer);
            writer.WriteEndObject();
        }

        stream.WriteByte((byte)'\n');
    }

    /// <summary>One graph's construction: node names follow the builder's <c>/model/layers.{i}/...</c> shape.</summary>
    private sealed class Builder
    {
        private const long AllAfter = long.MaxValue;
        private readonly LlamaWeights _weights;
        private readonly DecoderForgeOptions _options;
        private readonly DecoderArchitecture _a;
        private readonly OnnxElementType _type;
        private readonly GraphBuilder _graph;

        public Builder(LlamaWeights weights, DecoderForgeOptions options)
        {
            _weights = weights;
            _options = options;
            _a = weights.Architecture;
            _type = ActivationType(options.Precision);
            _graph = new GraphBuilder("llama_decoder");
        }

        public ModelProto Build()
        {
            var a = _a;
            var precision = _options.Precision.ToString().ToLowerInvariant();
            _graph
                .SetDocString(string.Create(CultureInfo.InvariantCulture, $"KazGrpc forged Llama-class decoder ({precision}, {a.NumLayers} layers, hidden {a.HiddenSize}, {a.NumHeads} heads over {a.NumKvHeads} KV heads of {a.HeadSize}, vocabulary {a.VocabSize}). Deterministic random weights: it knows no language."))
                .AddMetadata(ForgeMetadataKey, "llama-decoder")
                .AddMetadata("kazgrpc.precision", precision)
                .ImportOpset(GraphBuilder.MicrosoftDomain, 1)
                .AddInput(InputIds, OnnxElementType.Int64, "batch_size", "sequence_length")
                .AddInput(AttentionMask, OnnxElementType.Int64, "batch_size", "total_sequence_length");
            for (var i = 0; i < a.NumLayers; i++)
            {
                _graph
                    .AddInput(PastKey(i), _type, "batch_size", a.NumKvHeads, "past_sequence_length", a.HeadSize)
                    .AddInput(PastValue(i), _type, "batch_size", a.NumKvHeads, "past_sequence_length", a.HeadSize);
            }

            _graph.AddOutput(Logits, OnnxElementType.Float, "batch_size", _options.FullLogits ? "sequence_length" : 1, a.VocabSize);
            for (var i = 0; i < a.NumLayers; i++)
            {
                _graph
                    .AddOutput(PresentKey(i), _type, "batch_size", a.NumKvHeads, "total_sequence_length", a.HeadSize)
                    .AddOutput(PresentValue(i), _type, "batch_size", a.NumKvHeads, "total_sequence_length", a.HeadSize);
            }

            AddMaskSubgraph();
            AddRotaryCaches();
            Float("model.embed_tokens.weight", _weights.EmbeddingArray, a.VocabSize, a.HiddenSize);
            _graph.AddNode("Gather", ["model.embed_tokens.weight", InputIds], ["/model/embed_tokens/output_0"], name: "/model/embed_tokens/Gather");
            var hidden = "/model/embed_tokens/output_0";
            for (var i = 0; i < a.NumLayers; i++)
            {
                hidden = AddLayer(i, _weights.Layers[i], hidden);
            }

            if (!_options.FullLogits)
            {
                // The last position of every sequence (prefill rows are one sequence, decode rows one
                // token each), before the norm and the LM head, so neither runs on positions nobody samples.
                _graph
                    .AddInitializer("/model/constants/last_position/starts", [-1L], [1])
                    .AddInitializer("/model/constants/last_position/ends", [AllAfter], [1])
                    .AddInitializer("/model/constants/last_position/axes", [1L], [1])
                    .AddNode(
                        "Slice",
                        [hidden, "/model/constants/last_position/starts", "/model/constants/last_position/ends", "/model/constants/last_position/axes"],
                        ["/model/last_position/output_0"],
                        name: "/model/last_position/Slice");
                hidden = "/model/last_position/output_0";
            }

            var normed = RmsNorm("/model/norm", "model.norm.weight", _weights.FinalNormArray, hidden);
            var unassigned = _options.UnassignedTokenIdsFor(a.VocabSize);
            var logits = unassigned.Count > 0 ? "/lm_head/logits" : Logits;
            if (_type == OnnxElementType.Float16)
            {
                Linear("/lm_head", "lm_head", _weights.LmHeadArray, a.HiddenSize, a.VocabSize, normed, "/lm_head/output_0");
                _graph.AddNode("Cast", ["/lm_head/output_0"], [logits], x => x.SetInt("to", (long)OnnxElementType.Float), name: "/lm_head/Cast");
            }
            else
            {
                Linear("/lm_head", "lm_head", _weights.LmHeadArray, a.HiddenSize, a.VocabSize, normed, logits);
            }

            if (unassigned.Count > 0)
            {
                // Ids the paired tokenizer cannot decode are never chosen (see DecoderForgeOptions.UnassignedTokenIds).
                var bias = new float[a.VocabSize];
                foreach (var id in unassigned)
                {
                    bias[id] = DecoderForgeOptions.UnassignedLogit;
                }

                _graph
                    .AddInitializer("lm_head.unassigned_bias", bias, [a.VocabSize])
                    .AddNode("Add", [logits, "lm_head.unassigned_bias"], [Logits], name: "/lm_head/unassigned/Add");
            }

            return _graph.Build();
        }

        private void AddMaskSubgraph()
        {
            const string basename = "/model/attn_mask_reformat/attn_mask_subgraph";
            _graph
                .AddInitializer("/model/constants/INT64/[1]", [1L], [1])
                .AddInitializer("/model/constants/INT64/1", [1L], [])
                .AddNode("ReduceSum", [AttentionMask, "/model/constants/INT64/[1]"], [$"{basename}/ReduceSum/output_0"], x => x.SetInt("keepdims", 0), name: $"{basename}/ReduceSum")
                .AddNode("Sub", [$"{basename}/ReduceSum/output_0", "/model/constants/INT64/[1]"], [$"{basename}/Sub/output_0"], name: $"{basename}/Sub")
                .AddNode("Cast", [$"{basename}/Sub/output_0"], [$"{basename}/Sub/Cast/output_0"], x => x.SetInt("to", (long)OnnxElementType.Int32), name: $"{basename}/Sub/Cast")
                .AddNode("Shape", [AttentionMask], [$"{basename}/Shape/output_0"], name: $"{basename}/Shape")
                .AddNode("Gather", [$"{basename}/Shape/output_0", "/model/constants/INT64/1"], [$"{basename}/Gather/output_0"], x => x.SetInt("axis", 0), name: $"{basename}/Gather")
                .AddNode("Cast", [$"{basename}/Gather/output_0"], [$"{basename}/Gather/Cast/output_0"], x => x.SetInt("to", (long)OnnxElementType.Int32), name: $"{basename}/Gather/Cast");
        }

        private void AddRotaryCaches()
        {
            // cos/sin [max_position, head_size / 2]: angle(p, i) = p · θ^(-2i / head_size), computed in
            // double and rounded once, so the reference can compute the same angles.
            var half = _a.HeadSize / 2;
            var cos = new float[_a.ContextLength * half];
            var sin = new float[_a.ContextLength * half];
            for (var p = 0; p < _a.ContextLength; p++)
            {
                for (var i = 0; i < half; i++)
                {
                    var angle = RotaryAngle(p, i, _a);
                    cos[(p * half) + i] = (float)Math.Cos(angle);
                    sin[(p * half) + i] = (float)Math.Sin(angle);
                }
            }

            Float("cos_cache", cos, _a.ContextLength, half);
            Float("sin_cache", sin, _a.ContextLength, half);
        }

        private string AddLayer(int layer, LlamaLayerWeights w, string input)
        {
            var a = _a;
            var b = $"/model/layers.{layer}";
            var p = $"model.layers.{layer}";
            var normed = RmsNorm($"{b}/input_layernorm", $"{p}.input_layernorm.weight", w.AttentionNormArray, input);
            Linear($"{b}/attn/q_proj", $"{p}.attn.q_proj", w.QueryArray, a.HiddenSize, a.QueryWidth, normed, $"{b}/attn/q_proj/output_0");
            Linear($"{b}/attn/k_proj", $"{p}.attn.k_proj", w.KeyArray, a.HiddenSize, a.KvWidth, normed, $"{b}/attn/k_proj/output_0");
            Linear($"{b}/attn/v_proj", $"{p}.attn.v_proj", w.ValueArray, a.HiddenSize, a.KvWidth, normed, $"{b}/attn/v_proj/output_0");
            _graph.AddNode(
                "GroupQueryAttention",
                [
                    $"{b}/attn/q_proj/output_0", $"{b}/attn/k_proj/output_0", $"{b}/attn/v_proj/output_0",
                    PastKey(layer), PastValue(layer),
                    "/model/attn_mask_reformat/attn_mask_subgraph/Sub/Cast/output_0",
                    "/model/attn_mask_reformat/attn_mask_subgraph/Gather/Cast/output_0",
                    "cos_cache", "sin_cache",
                ],
                [$"{b}/attn/GroupQueryAttention/output_0", PresentKey(layer), PresentValue(layer)],
                x => x
                    .SetInt("num_heads", a.NumHeads)
                    .SetInt("kv_num_heads", a.NumKvHeads)
                    .SetFloat("scale", 1f / MathF.Sqrt(a.HeadSize))
                    .SetInt("do_rotary", 1)
                    .SetInt("rotary_interleaved", 0),
                GraphBuilder.MicrosoftDomain,
                $"{b}/attn/GroupQueryAttention");
            Linear($"{b}/attn/o_proj", $"{p}.attn.o_proj", w.OutputArray, a.QueryWidth, a.HiddenSize, $"{b}/attn/GroupQueryAttention/output_0", $"{b}/attn/o_proj/output_0");
            _graph.AddNode("Add", [input, $"{b}/attn/o_proj/output_0"], [$"{b}/attn/residual/output_0"], name: $"{b}/attn/residual/Add");

            var mlpInput = $"{b}/attn/residual/output_0";
            var mlpNormed = RmsNorm($"{b}/post_attention_layernorm", $"{p}.post_attention_layernorm.weight", w.MlpNormArray, mlpInput);
            Linear($"{b}/mlp/gate_proj", $"{p}.mlp.gate_proj", w.GateArray, a.HiddenSize, a.IntermediateSize, mlpNormed, $"{b}/mlp/gate_proj/output_0");
            Linear($"{b}/mlp/up_proj", $"{p}.mlp.up_proj", w.UpArray, a.HiddenSize, a.IntermediateSize, mlpNormed, $"{b}/mlp/up_proj/output_0");
            _graph
                .AddNode("Sigmoid", [$"{b}/mlp/gate_proj/output_0"], [$"{b}/mlp/act_fn/Sigmoid/output_0"], name: $"{b}/mlp/act_fn/Sigmoid")
                .AddNode("Mul", [$"{b}/mlp/gate_proj/output_0", $"{b}/mlp/act_fn/Sigmoid/output_0"], [$"{b}/mlp/act_fn/Mul/output_0"], name: $"{b}/mlp/act_fn/Mul")
                .AddNode("Mul", [$"{b}/mlp/act_fn/Mul/output_0", $"{b}/mlp/up_proj/output_0"], [$"{b}/mlp/Mul/output_0"], name: $"{b}/mlp/Mul");
            Linear($"{b}/mlp/down_proj", $"{p}.mlp.down_proj", w.DownArray, a.IntermediateSize, a.HiddenSize, $"{b}/mlp/Mul/output_0", $"{b}/mlp/down_proj/output_0");
            _graph.AddNode("Add", [mlpInput, $"{b}/mlp/down_proj/output_0"], [$"{b}/mlp/residual/output_0"], name: $"{b}/mlp/residual/Add");
            return $"{b}/mlp/residual/output_0";
        }

        private string RmsNorm(string name, string weightName, float[] weight, string input)
        {
            Float(weightName, weight, weight.Length);
            _graph.AddNode(
                "SimplifiedLayerNormalization",
                [input, weightName],
                [$"{name}/output_0"],
                x => x.SetInt("axis", -1).SetFloat("epsilon", _a.RmsNormEpsilon).SetInt("stash_type", 1),
                name: $"{name}/SimplifiedLayerNormalization");
            return $"{name}/output_0";
        }

        private void Linear(string name, string weightPrefix, float[] weight, int k, int n, string input, string output)
        {
            if (_options.Precision != DecoderPrecision.Int4)
            {
                Float($"{weightPrefix}.weight", weight, k, n);
                _graph.AddNode("MatMul", [input, $"{weightPrefix}.weight"], [output], name: $"{name}/MatMul");
                return;
            }

            var q = Int4Matrix.Quantize(weight, k, n, _options.Int4BlockSize, _options.Int4ZeroPoints);
            _graph
                .AddInitializer($"{weightPrefix}.weight_Q4", OnnxElementType.UInt8, q.Packed, [n, q.BlocksPerColumn, q.BlockSize / 2])
                .AddInitializer($"{weightPrefix}.weight_scales", q.Scales, [n * q.BlocksPerColumn]);
            var zeroPoints = "";
            if (q.ZeroPoints is { } zeros)
            {
                zeroPoints = $"{weightPrefix}.weight_zp";
                _graph.AddInitializer(zeroPoints, OnnxElementType.UInt8, zeros, [zeros.Length]);
            }

            _graph.AddNode(
                "MatMulNBits",
                [input, $"{weightPrefix}.weight_Q4", $"{weightPrefix}.weight_scales", zeroPoints],
                [output],
                x => x.SetInt("K", k).SetInt("N", n).SetInt("bits", 4).SetInt("block_size", q.BlockSize),
                GraphBuilder.MicrosoftDomain,
                $"{name}/MatMulNBits");
        }

        private void Float(string name, float[] values, params ReadOnlySpan<long> shape)
        {
            Debug.Assert(Tensors.ElementCount(shape) == values.Length, "shape and values agree");
            if (_type == OnnxElementType.Float)
            {
                _graph.AddInitializer(name, values, shape);
                return;
            }

            var half = new Half[values.Length];
            for (var i = 0; i < values.Length; i++)
            {
                half[i] = (Half)values[i];
            }

            _graph.AddInitializer(name, OnnxElementType.Float16, MemoryMarshal.AsBytes(half.AsSpan()), shape);
        }
    }
}
