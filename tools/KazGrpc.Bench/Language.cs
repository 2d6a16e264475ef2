namespace KazGrpc.Bench;

/// <summary>A language whose text the benchmark synthesises.</summary>
internal enum Language
{
    /// <summary>Kazakh (Cyrillic script), code <c>kk</c>.</summary>
    Kazakh,

    /// <summary>Russian, code <c>ru</c>.</summary>
    Russian,

    /// <summary>English, code <c>en</c>.</summary>
    English,
}
