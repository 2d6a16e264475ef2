namespace KazGrpc.Bench.Embed;

/// <summary>Names of <see cref="EmbedPhase"/> on the command line.</summary>
internal static class EmbedPhases
{
    /// <summary>The command-line key of <paramref name="phase"/>.</summary>
    public static string Key(EmbedPhase phase) => phase switch
    {
        EmbedPhase.Served => "served",
        EmbedPhase.Naive => "naive",
        EmbedPhase.InProcess => "inproc",
        EmbedPhase.Overhead => "overhead",
        EmbedPhase.Latency => "latency",
        _ => throw new ArgumentOutOfRangeException(nameof(phase), phase, null),
    };

    /// <summary>The phase whose key is <paramref name="key"/>, or null.</summary>
    public static EmbedPhase? Parse(string key) =>
        Enum.GetValues<EmbedPhase>().Cast<EmbedPhase?>().FirstOrDefault(p => Key(p!.Value) == key);
}
