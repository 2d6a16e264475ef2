namespace KazGrpc.Bench;

/// <summary>Names of <see cref="BenchMode"/> on the command line and in reports.</summary>
internal static class BenchModes
{
    /// <summary>The modes measured when <c>--modes</c> is not given.</summary>
    public static IReadOnlyList<BenchMode> Default { get; } = [BenchMode.InProcess, BenchMode.UnarySingle, BenchMode.UnaryBatch, BenchMode.Stream];

    /// <summary>The command-line key of <paramref name="mode"/>.</summary>
    public static string Key(BenchMode mode) => mode switch
    {
        BenchMode.InProcess => "inproc",
        BenchMode.UnarySingle => "unary1",
        BenchMode.UnaryBatch => "unary",
        BenchMode.Stream => "stream",
        BenchMode.InProcessRepeated => "inproc-repeat",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>The mode whose key is <paramref name="key"/>, or null.</summary>
    public static BenchMode? Parse(string key) =>
        Enum.GetValues<BenchMode>().Cast<BenchMode?>().FirstOrDefault(m => Key(m!.Value) == key);

    /// <summary>A table label, e.g. <c>unary x64</c>.</summary>
    public static string Label(BenchMode mode, int batch) => mode switch
    {
        BenchMode.InProcess => $"in-process x{batch}",
        BenchMode.UnarySingle => "unary x1",
        BenchMode.UnaryBatch => $"unary x{batch}",
        BenchMode.Stream => $"stream x{batch}",
        BenchMode.InProcessRepeated => $"in-process x{batch} repeat",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, null),
    };

    /// <summary>True for the modes that go through the service.</summary>
    public static bool ThroughService(BenchMode mode) => mode is BenchMode.UnarySingle or BenchMode.UnaryBatch or BenchMode.Stream;
}
