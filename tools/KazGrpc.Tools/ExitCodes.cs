using Grpc.Core;

namespace KazGrpc.Tools;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>The command did its work (for <c>health</c>: the service is SERVING).</summary>
    public const int Success = 0;

    /// <summary>
    /// The command ran and failed, a service answered with an error other than UNAVAILABLE, or a TLS
    /// handshake failed (a certificate refused either way, which waiting does not mend); stderr says why.
    /// </summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong; stderr says how.</summary>
    public const int Usage = 2;

    /// <summary>
    /// The service is unreachable, not ready or not SERVING: a caller may try again later. Kept apart
    /// from <see cref="Failure"/> because probes and scripts wait on it.
    /// </summary>
    public const int Unavailable = 3;

    /// <summary>Ctrl+C stopped the command (128 + SIGINT, as shells report it).</summary>
    public const int Cancelled = 130;

    /// <summary>The exit code of a call that ended with <paramref name="status"/>.</summary>
    public static int For(StatusCode status) => status switch
    {
        StatusCode.OK => Success,
        StatusCode.Unavailable => Unavailable,
        _ => Failure,
    };
}
