using Microsoft.Extensions.Logging;

namespace KazGrpc.Tls;

internal static partial class TlsLog
{
    [LoggerMessage(1, LogLevel.Information, "TLS certificate loaded from {Source}: {Certificate}")]
    public static partial void CertificateLoaded(ILogger logger, TlsFile source, string certificate);

    [LoggerMessage(2, LogLevel.Information, "TLS certificate reloaded from {Source}: {Certificate}; new handshakes use it")]
    public static partial void CertificateReloaded(ILogger logger, TlsFile source, string certificate);

    [LoggerMessage(3, LogLevel.Information, "TLS CA bundle loaded from {Source}: {Count} certificate(s), {Subjects}")]
    public static partial void AuthoritiesLoaded(ILogger logger, TlsFile source, int count, string subjects);

    [LoggerMessage(4, LogLevel.Information, "TLS CA bundle reloaded from {Source}: {Count} certificate(s), {Subjects}; new handshakes use it")]
    public static partial void AuthoritiesReloaded(ILogger logger, TlsFile source, int count, string subjects);

    [LoggerMessage(5, LogLevel.Warning, "TLS files changed but cannot be loaded; the current ones stay in use until they can: {Reason}")]
    public static partial void ReloadFailed(ILogger logger, string reason);

    [LoggerMessage(6, LogLevel.Warning, "TLS certificate from {Source} is not valid now ({Certificate}); peers will refuse it")]
    public static partial void CertificateNotValidNow(ILogger logger, TlsFile source, string certificate);

    [LoggerMessage(7, LogLevel.Warning, "Cannot watch {Directory} for TLS file changes ({Reason}); they are noticed by the check every {Interval}")]
    public static partial void WatchUnavailable(ILogger logger, string directory, string reason, TimeSpan interval);

    [LoggerMessage(8, LogLevel.Error, "Checking the TLS files failed unexpectedly")]
    public static partial void CheckFailed(ILogger logger, Exception exception);
}
