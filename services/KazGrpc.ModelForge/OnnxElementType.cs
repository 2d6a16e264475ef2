using System.Diagnostics.CodeAnalysis;

namespace KazGrpc.ModelForge;

/// <summary>
/// Element types the forge writes. The values are ONNX <c>TensorProto.DataType</c> numbers, so a value
/// casts directly to <c>TypeProto.Tensor.elem_type</c> and to the <c>to</c> attribute of <c>Cast</c>.
/// </summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members name element types; the names are ONNX Runtime's own.")]
public enum OnnxElementType
{
    /// <summary>32-bit IEEE 754 float.</summary>
    Float = 1,

    /// <summary>Unsigned 8-bit integer.</summary>
    UInt8 = 2,

    /// <summary>Signed 8-bit integer.</summary>
    Int8 = 3,

    /// <summary>Unsigned 16-bit integer.</summary>
    UInt16 = 4,

    /// <summary>Signed 16-bit integer.</summary>
    Int16 = 5,

    /// <summary>Signed 32-bit integer.</summary>
    Int32 = 6,

    /// <summary>Signed 64-bit integer.</summary>
    Int64 = 7,

    /// <summary>Boolean, one byte per element.</summary>
    Bool = 9,

    /// <summary>16-bit IEEE 754 float.</summary>
    Float16 = 10,

    /// <summary>64-bit IEEE 754 float.</summary>
    Double = 11,

    /// <summary>Unsigned 32-bit integer.</summary>
    UInt32 = 12,

    /// <summary>Unsigned 64-bit integer.</summary>
    UInt64 = 13,

    /// <summary>bfloat16: the upper half of a 32-bit float.</summary>
    BFloat16 = 16,

    /// <summary>Unsigned 4-bit integer, two per byte, low nibble first.</summary>
    UInt4 = 21,

    /// <summary>Signed 4-bit integer, two per byte, low nibble first.</summary>
    Int4 = 22,
}
