using System.Diagnostics;

namespace KazGrpc.Hosting;

/// <summary>
/// The host's <see cref="ActivitySource"/>, <c>KazGrpc</c>, which every span of the service's own
/// starts from (the libraries take it as a parameter). Without a listener (tracing off: see
/// <see cref="TracingExtensions.AddKazGrpcTracing"/>) <see cref="ActivitySource.StartActivity(string, ActivityKind)"/>
/// returns null and costs one check. Span attributes are bounded: model, tokenizer, sizes, status;
/// never text, token ids or request ids. Disposed by the container.
/// </summary>
public sealed class ServerTracing : IDisposable
{
    /// <summary>Name of the source; services tell their spans apart by their resource's <c>service.name</c>.</summary>
    public const string SourceName = "KazGrpc";

    /// <summary>The source of the host's spans.</summary>
    public ActivitySource Source { get; } = new(SourceName);

    /// <inheritdoc />
    public void Dispose() => Source.Dispose();
}
