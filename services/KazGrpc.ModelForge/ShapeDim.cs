using System.Globalization;

namespace KazGrpc.ModelForge;

/// <summary>
/// One axis of a graph input or output: a fixed size, or a symbolic name such as <c>batch</c> that the
/// runtime binds at each run. Strings and integers convert implicitly, so a shape reads
/// <c>"batch", "sequence", 384</c>. <see langword="default"/> is an axis of unknown size with no name.
/// </summary>
public readonly record struct ShapeDim
{
    private ShapeDim(long? size, string? name)
    {
        Size = size;
        Name = name;
    }

    /// <summary>The fixed size, or <see langword="null"/> for a symbolic axis.</summary>
    public long? Size { get; }

    /// <summary>The symbolic name, or <see langword="null"/> for a fixed axis.</summary>
    public string? Name { get; }

    /// <summary>A fixed-size axis.</summary>
    /// <param name="size">The size; zero or more.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="size"/> is negative.</exception>
    public static ShapeDim Fixed(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        return new ShapeDim(size, null);
    }

    /// <summary>A symbolic axis (ONNX <c>dim_param</c>); axes with the same name must agree at run time.</summary>
    /// <param name="name">The name, e.g. <c>batch</c>.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or white space.</exception>
    public static ShapeDim Symbolic(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return new ShapeDim(null, name);
    }

    /// <summary>Same as <see cref="Symbolic(string)"/>.</summary>
    /// <param name="name">The name, e.g. <c>batch</c>.</param>
    public static ShapeDim FromString(string name) => Symbolic(name);

    /// <summary>Same as <see cref="Fixed(long)"/>.</summary>
    /// <param name="size">The size; zero or more.</param>
    public static ShapeDim FromInt64(long size) => Fixed(size);

    /// <summary>A symbolic axis; see <see cref="Symbolic(string)"/>.</summary>
    /// <param name="name">The name, e.g. <c>batch</c>.</param>
    public static implicit operator ShapeDim(string name) => Symbolic(name);

    /// <summary>A fixed-size axis; see <see cref="Fixed(long)"/>.</summary>
    /// <param name="size">The size; zero or more.</param>
    public static implicit operator ShapeDim(long size) => Fixed(size);

    /// <inheritdoc/>
    public override string ToString() => Name ?? Size?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
