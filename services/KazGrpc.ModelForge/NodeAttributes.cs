using Google.Protobuf;
using KazGrpc.ModelForge.Onnx;

namespace KazGrpc.ModelForge;

/// <summary>
/// The attributes of one node, set fluently inside <see cref="GraphBuilder.AddNode"/>. Attributes are
/// written in the order they are set; setting a name twice throws <see cref="ArgumentException"/>.
/// </summary>
public sealed class NodeAttributes
{
    private readonly NodeProto _node;

    internal NodeAttributes(NodeProto node) => _node = node;

    /// <summary>Sets an integer attribute (ONNX <c>INT</c>), e.g. <c>axis</c>, or Cast's <c>to</c>.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This instance.</returns>
    public NodeAttributes SetInt(string name, long value)
    {
        Add(name, AttributeProto.Types.AttributeType.Int).I = value;
        return this;
    }

    /// <summary>Sets a float attribute (ONNX <c>FLOAT</c>), e.g. <c>epsilon</c>.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This instance.</returns>
    public NodeAttributes SetFloat(string name, float value)
    {
        Add(name, AttributeProto.Types.AttributeType.Float).F = value;
        return this;
    }

    /// <summary>Sets a string attribute (ONNX <c>STRING</c>, stored as UTF-8).</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The value.</param>
    /// <returns>This instance.</returns>
    public NodeAttributes SetString(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Add(name, AttributeProto.Types.AttributeType.String).S = ByteString.CopyFromUtf8(value);
        return this;
    }

    /// <summary>Sets an integer list attribute (ONNX <c>INTS</c>), e.g. Transpose's <c>perm</c>.</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="values">The values, copied.</param>
    /// <returns>This instance.</returns>
    public NodeAttributes SetInts(string name, ReadOnlySpan<long> values)
    {
        var ints = Add(name, AttributeProto.Types.AttributeType.Ints).Ints;
        foreach (var value in values)
        {
            ints.Add(value);
        }

        return this;
    }

    /// <summary>Sets a float list attribute (ONNX <c>FLOATS</c>).</summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="values">The values, copied.</param>
    /// <returns>This instance.</returns>
    public NodeAttributes SetFloats(string name, ReadOnlySpan<float> values)
    {
        var floats = Add(name, AttributeProto.Types.AttributeType.Floats).Floats;
        foreach (var value in values)
        {
            floats.Add(value);
        }

        return this;
    }

    /// <summary>
    /// Sets a tensor attribute (ONNX <c>TENSOR</c>), e.g. the <c>value</c> of a <c>Constant</c> node.
    /// Build the tensor with <see cref="Tensors"/>.
    /// </summary>
    /// <param name="name">The attribute name.</param>
    /// <param name="value">The tensor; the attribute holds a copy.</param>
    /// <returns>This instance.</returns>
    public NodeAttributes SetTensor(string name, TensorProto value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Add(name, AttributeProto.Types.AttributeType.Tensor).T = value.Clone();
        return this;
    }

    private AttributeProto Add(string name, AttributeProto.Types.AttributeType type)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (_node.Attribute.Any(a => a.Name == name))
        {
            throw new ArgumentException($"Node '{_node.Name}' ({_node.OpType}) already has an attribute '{name}'.", nameof(name));
        }

        var attribute = new AttributeProto { Name = name, Type = type };
        _node.Attribute.Add(attribute);
        return attribute;
    }
}
