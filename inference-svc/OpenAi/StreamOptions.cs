namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary><c>stream_options</c>: with <see cref="IncludeUsage"/>, a last chunk with no choices carries the usage.</summary>
internal sealed class StreamOptions
{
    public bool? IncludeUsage { get; set; }
}
