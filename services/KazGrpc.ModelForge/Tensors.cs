using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Google.Protobuf;
using KazGrpc.ModelForge.Onnx;

namespace KazGrpc.ModelForge;

/// <summary>
/// Builds ONNX tensors (initializers, tensor attributes) with their elements in <c>raw_data</c>:
/// fixed-width, little-endian, row-major, the form ONNX Runtime maps without conversion.
/// </summary>
public static class Tensors
{
    /// <summary>A float tensor.</summary>
    /// <param name="name">The tensor's value name in the graph.</param>
    /// <param name="values">The elements in row-major order, copied.</param>
    /// <param name="shape">The shape; empty for a scalar. Its element count must equal <paramref name="values"/>' length.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' length elements.</exception>
    public static TensorProto FromFloats(string name, ReadOnlySpan<float> values, ReadOnlySpan<long> shape)
    {
        CheckCount(name, values.Length, shape);
        if (BitConverter.IsLittleEndian)
        {
            return Create(name, OnnxElementType.Float, MemoryMarshal.AsBytes(values), shape);
        }

        var bytes = new byte[values.Length * sizeof(float)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), values[i]);
        }

        return Create(name, OnnxElementType.Float, bytes, shape);
    }

    /// <summary>A 64-bit integer tensor, e.g. the <c>axes</c> input of Unsqueeze.</summary>
    /// <param name="name">The tensor's value name in the graph.</param>
    /// <param name="values">The elements in row-major order, copied.</param>
    /// <param name="shape">The shape; empty for a scalar. Its element count must equal <paramref name="values"/>' length.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">The shape does not hold exactly <paramref name="values"/>' length elements.</exception>
    public static TensorProto FromInt64s(string name, ReadOnlySpan<long> values, ReadOnlySpan<long> shape)
    {
        CheckCount(name, values.Length, shape);
        if (BitConverter.IsLittleEndian)
        {
            return Create(name, OnnxElementType.Int64, MemoryMarshal.AsBytes(values), shape);
        }

        var bytes = new byte[values.Length * sizeof(long)];
        for (var i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * sizeof(long)), values[i]);
        }

        return Create(name, OnnxElementType.Int64, bytes, shape);
    }

    /// <summary>
    /// A tensor of any element type from bytes already in ONNX <c>raw_data</c> form (little-endian;
    /// 4-bit types two to a byte, low nibble first), e.g. packed int4 weights for <c>MatMulNBits</c>.
    /// </summary>
    /// <param name="name">The tensor's value name in the graph.</param>
    /// <param name="type">The element type.</param>
    /// <param name="rawData">The bytes, copied; exactly as many as the shape needs.</param>
    /// <param name="shape">The shape; empty for a scalar.</param>
    /// <returns>A new tensor.</returns>
    /// <exception cref="ArgumentException">The byte count does not match the shape and type.</exception>
    public static TensorProto FromRawData(string name, OnnxElementType type, ReadOnlySpan<byte> rawData, ReadOnlySpan<long> shape)
    {
        var elements = ElementCount(shape);
        var bits = BitsPerElement(type);
        var expected = checked(((elements * bits) + 7) / 8);
        if (rawData.Length != expected)
        {
            throw new ArgumentException(
                $"Tensor '{name}': shape [{string.Join(", ", shape.ToArray())}] of {type} needs {expected} bytes, got {rawData.Length}.",
                nameof(rawData));
        }

        return Create(name, type, rawData, shape);
    }

    /// <summary>The number of elements a shape holds: the product of its sizes, 1 for a scalar.</summary>
    /// <param name="shape">The shape.</param>
    /// <returns>The element count.</returns>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative.</exception>
    public static long ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (var size in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(size, nameof(shape));
            count = checked(count * size);
        }

        return count;
    }

    private static TensorProto Create(string name, OnnxElementType type, ReadOnlySpan<byte> rawData, ReadOnlySpan<long> shape)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(rawData) };
        foreach (var size in shape)
        {
            tensor.Dims.Add(size);
        }

        return tensor;
    }

    private static void CheckCount(string name, int count, ReadOnlySpan<long> shape)
    {
        var expected = ElementCount(shape);
        if (expected != count)
        {
            throw new ArgumentException(
                $"Tensor '{name}': shape [{string.Join(", ", shape.ToArray())}] holds {expected} elements, got {count} values.",
                nameof(shape));
        }
    }

    private static int BitsPerElement(OnnxElementType type) => type switch
    {
        OnnxElementType.UInt4 or OnnxElementType.Int4 => 4,
        OnnxElementType.UInt8 or OnnxElementType.Int8 or OnnxElementType.Bool => 8,
        OnnxElementType.UInt16 or OnnxElementType.Int16 or OnnxElementType.Float16 or OnnxElementType.BFloat16 => 16,
        OnnxElementType.Float or OnnxElementType.Int32 or OnnxElementType.UInt32 => 32,
        OnnxElementType.Double or OnnxElementType.Int64 or OnnxElementType.UInt64 => 64,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not an element type the forge writes."),
    };
}
