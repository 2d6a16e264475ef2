using System.Globalization;
using KazGrpc.ModelForge.Onnx;

namespace KazGrpc.ModelForge;

/// <summary>
/// Builds an ONNX model from code: graph inputs and outputs with symbolic axes, initializers, nodes
/// with attributes, and operator-set imports. Everything is written in the order it was added, so the
/// same calls produce the same bytes. Each node may read only values defined before it (graph inputs,
/// initializers, earlier nodes' outputs), which keeps the graph in the topological order ONNX requires.
/// </summary>
/// <example>
/// <code>
/// var model = new GraphBuilder("doubler")
///     .AddInput("x", OnnxElementType.Float, "batch", 4)
///     .AddInitializer("two", [2f], [])
///     .AddNode("Mul", ["x", "two"], ["y"])
///     .AddOutput("y", OnnxElementType.Float, "batch", 4)
///     .Build();
/// </code>
/// </example>
public sealed class GraphBuilder
{
    /// <summary>The default ONNX operator-set version: 17, which every supported ONNX Runtime runs.</summary>
    public const long DefaultOpsetVersion = 17;

    /// <summary>The default IR version: 8, the first that opset 17 allows.</summary>
    public const long DefaultIrVersion = 8;

    /// <summary>The operator domain of ONNX Runtime's contrib operators (GroupQueryAttention, MatMulNBits, ...).</summary>
    public const string MicrosoftDomain = "com.microsoft";

    /// <summary>The <c>producer_name</c> written into every model.</summary>
    public const string ProducerName = "KazGrpc.ModelForge";

    /// <summary>
    /// The <c>producer_version</c> written into every model. A constant rather than the assembly
    /// version, so that rebuilding the forge does not change the bytes of the models it writes.
    /// </summary>
    public const string ProducerVersion = "1";

    private readonly GraphProto _graph;
    private readonly HashSet<string> _values = new(StringComparer.Ordinal);
    private readonly List<OperatorSetIdProto> _opsets = [new OperatorSetIdProto { Domain = "", Version = DefaultOpsetVersion }];
    private readonly List<StringStringEntryProto> _metadata = [];
    private long _irVersion = DefaultIrVersion;
    private string _docString = "";

    /// <summary>Starts an empty graph that imports the default ONNX operator set at <see cref="DefaultOpsetVersion"/>.</summary>
    /// <param name="name">The graph's name.</param>
    public GraphBuilder(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _graph = new GraphProto { Name = name };
    }

    /// <summary>Adds a graph input.</summary>
    /// <param name="name">The value name callers feed, e.g. <c>input_ids</c>.</param>
    /// <param name="type">The element type.</param>
    /// <param name="shape">One entry per axis: a size or a symbolic name.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">A value of this name already exists.</exception>
    public GraphBuilder AddInput(string name, OnnxElementType type, params ReadOnlySpan<ShapeDim> shape)
    {
        Define(name);
        _graph.Input.Add(ValueInfo(name, type, shape));
        return this;
    }

    /// <summary>
    /// Declares a graph output. The value must be defined (by an input, initializer or node) by the
    /// time <see cref="Build"/> runs; it may be declared before the node that computes it.
    /// </summary>
    /// <param name="name">The value name callers fetch, e.g. <c>last_hidden_state</c>.</param>
    /// <param name="type">The element type.</param>
    /// <param name="shape">One entry per axis: a size or a symbolic name.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">The name is already declared as an output.</exception>
    public GraphBuilder AddOutput(string name, OnnxElementType type, params ReadOnlySpan<ShapeDim> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_graph.Output.Any(o => o.Name == name))
        {
            throw new ArgumentException($"Graph '{_graph.Name}' already has an output '{name}'.", nameof(name));
        }

        _graph.Output.Add(ValueInfo(name, type, shape));
        return this;
    }

    /// <summary>Adds a float initializer (a constant input), stored as <c>raw_data</c>.</summary>
    /// <param name="name">The value name nodes read.</param>
    /// <param name="values">The elements in row-major order, copied.</param>
    /// <param name="shape">The shape; empty for a scalar.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">The name exists, or the shape does not hold exactly the values given.</exception>
    public GraphBuilder AddInitializer(string name, ReadOnlySpan<float> values, ReadOnlySpan<long> shape) =>
        AddInitializer(Tensors.FromFloats(name, values, shape));

    /// <summary>Adds a 64-bit integer initializer, stored as <c>raw_data</c>.</summary>
    /// <param name="name">The value name nodes read.</param>
    /// <param name="values">The elements in row-major order, copied.</param>
    /// <param name="shape">The shape; empty for a scalar.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">The name exists, or the shape does not hold exactly the values given.</exception>
    public GraphBuilder AddInitializer(string name, ReadOnlySpan<long> values, ReadOnlySpan<long> shape) =>
        AddInitializer(Tensors.FromInt64s(name, values, shape));

    /// <summary>Adds an initializer of any element type from bytes in <c>raw_data</c> form; see <see cref="Tensors.FromRawData"/>.</summary>
    /// <param name="name">The value name nodes read.</param>
    /// <param name="type">The element type.</param>
    /// <param name="rawData">The bytes, copied.</param>
    /// <param name="shape">The shape; empty for a scalar.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">The name exists, or the byte count does not match the shape.</exception>
    public GraphBuilder AddInitializer(string name, OnnxElementType type, ReadOnlySpan<byte> rawData, ReadOnlySpan<long> shape) =>
        AddInitializer(Tensors.FromRawData(name, type, rawData, shape));

    /// <summary>Adds a prepared tensor as an initializer under its own name.</summary>
    /// <param name="tensor">The tensor, e.g. from <see cref="Tensors"/>; the graph holds a copy.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">The tensor has no name, or a value of its name exists.</exception>
    public GraphBuilder AddInitializer(TensorProto tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        Define(tensor.Name);
        _graph.Initializer.Add(tensor.Clone());
        return this;
    }

    /// <summary>Adds a node. Its inputs must already be defined; its outputs become defined.</summary>
    /// <param name="opType">The operator, e.g. <c>Cast</c>, <c>MatMul</c>, <c>GroupQueryAttention</c>.</param>
    /// <param name="inputs">The value names it reads, in the operator's order; <c>""</c> skips an optional input.</param>
    /// <param name="outputs">The value names it writes, new to the graph.</param>
    /// <param name="attributes">Sets the node's attributes; <see langword="null"/> for none.</param>
    /// <param name="domain">The operator's domain: <c>""</c> (the default) for ONNX, <see cref="MicrosoftDomain"/> for ONNX Runtime's contrib operators (import it with <see cref="ImportOpset"/>).</param>
    /// <param name="name">The node's name; by default <c>{opType}_{index}</c>.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">An input is not defined yet, or an output already is.</exception>
    public GraphBuilder AddNode(
        string opType,
        ReadOnlySpan<string> inputs,
        ReadOnlySpan<string> outputs,
        Action<NodeAttributes>? attributes = null,
        string domain = "",
        string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(opType);
        ArgumentNullException.ThrowIfNull(domain);
        var node = new NodeProto
        {
            OpType = opType,
            Domain = domain,
            Name = name ?? string.Create(CultureInfo.InvariantCulture, $"{opType}_{_graph.Node.Count}"),
        };

        foreach (var input in inputs)
        {
            ArgumentNullException.ThrowIfNull(input, nameof(inputs));
            if (input.Length > 0 && !_values.Contains(input))
            {
                throw new ArgumentException(
                    $"Node '{node.Name}' ({opType}) reads '{input}', which no graph input, initializer or earlier node defines.",
                    nameof(inputs));
            }

            node.Input.Add(input);
        }

        foreach (var output in outputs)
        {
            Define(output);
            node.Output.Add(output);
        }

        attributes?.Invoke(new NodeAttributes(node));
        _graph.Node.Add(node);
        return this;
    }

    /// <summary>
    /// Imports an operator set, or changes the version of one already imported. The default domain
    /// <c>""</c> is imported at <see cref="DefaultOpsetVersion"/> from the start; ONNX Runtime's contrib
    /// operators need <c>ImportOpset(GraphBuilder.MicrosoftDomain, 1)</c>.
    /// </summary>
    /// <param name="domain">The domain, <c>""</c> for ONNX.</param>
    /// <param name="version">The version, 1 or more.</param>
    /// <returns>This instance.</returns>
    public GraphBuilder ImportOpset(string domain, long version)
    {
        ArgumentNullException.ThrowIfNull(domain);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        var existing = _opsets.Find(o => o.Domain == domain);
        if (existing is null)
        {
            _opsets.Add(new OperatorSetIdProto { Domain = domain, Version = version });
        }
        else
        {
            existing.Version = version;
        }

        return this;
    }

    /// <summary>Sets the model's IR version; default <see cref="DefaultIrVersion"/>. Newer opsets need newer IR versions (opset 21 needs 10).</summary>
    /// <param name="version">The IR version, 3 or more.</param>
    /// <returns>This instance.</returns>
    public GraphBuilder SetIrVersion(long version)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 3);
        _irVersion = version;
        return this;
    }

    /// <summary>Sets the model's <c>doc_string</c>, a human-readable description.</summary>
    /// <param name="text">The description.</param>
    /// <returns>This instance.</returns>
    public GraphBuilder SetDocString(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        _docString = text;
        return this;
    }

    /// <summary>Adds a model metadata entry (<c>metadata_props</c>), which ONNX Runtime exposes as custom metadata.</summary>
    /// <param name="key">The key, distinct within the model.</param>
    /// <param name="value">The value.</param>
    /// <returns>This instance.</returns>
    /// <exception cref="ArgumentException">The key is already set.</exception>
    public GraphBuilder AddMetadata(string key, string value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        ArgumentNullException.ThrowIfNull(value);
        if (_metadata.Exists(m => m.Key == key))
        {
            throw new ArgumentException($"Model metadata already has a key '{key}'.", nameof(key));
        }

        _metadata.Add(new StringStringEntryProto { Key = key, Value = value });
        return this;
    }

    /// <summary>
    /// Returns the model built so far. The builder keeps its state, and the returned model is a copy
    /// that later calls do not change.
    /// </summary>
    /// <returns>A new model.</returns>
    /// <exception cref="InvalidOperationException">The graph has no outputs, or an output is never defined.</exception>
    public ModelProto Build()
    {
        if (_graph.Output.Count == 0)
        {
            throw new InvalidOperationException($"Graph '{_graph.Name}' has no outputs.");
        }

        foreach (var output in _graph.Output)
        {
            if (!_values.Contains(output.Name))
            {
                throw new InvalidOperationException(
                    $"Graph '{_graph.Name}' declares output '{output.Name}', which no graph input, initializer or node defines.");
            }
        }

        var model = new ModelProto
        {
            IrVersion = _irVersion,
            ProducerName = ProducerName,
            ProducerVersion = ProducerVersion,
            Graph = _graph.Clone(),
        };
        if (_docString.Length > 0)
        {
            model.DocString = _docString;
        }

        model.OpsetImport.AddRange(_opsets.Select(o => o.Clone()));
        model.MetadataProps.AddRange(_metadata.Select(m => m.Clone()));
        return model;
    }

    private void Define(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_values.Add(name))
        {
            throw new ArgumentException($"Graph '{_graph.Name}' already defines a value '{name}'.", nameof(name));
        }
    }

    private static ValueInfoProto ValueInfo(string name, OnnxElementType type, ReadOnlySpan<ShapeDim> shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (var dim in shape)
        {
            var dimension = new TensorShapeProto.Types.Dimension();
            if (dim.Name is { } param)
            {
                dimension.DimParam = param;
            }
            else if (dim.Size is { } size)
            {
                dimension.DimValue = size;
            }

            tensorShape.Dim.Add(dimension);
        }

        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }
}
