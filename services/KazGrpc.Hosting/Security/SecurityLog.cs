using Microsoft.Extensions.Logging;

namespace KazGrpc.Hosting.Security;

/// <summary>Log messages of caller identity and quotas; never a key, a token or a digest.</summary>
internal static partial class SecurityLog
{
    [LoggerMessage(1, LogLevel.Information, "Auth is on: {Callers} callers, {Keys} API keys, {JwtKeys} JWT signing keys")]
    public static partial void Enabled(ILogger logger, int callers, int keys, int jwtKeys);

    [LoggerMessage(2, LogLevel.Information, "Auth configuration reloaded: {Callers} callers, {Keys} API keys, {JwtKeys} JWT signing keys")]
    public static partial void CallersReloaded(ILogger logger, int callers, int keys, int jwtKeys);

    [LoggerMessage(3, LogLevel.Error, "Auth configuration change refused, the previous one stays in force: {Reason}")]
    public static partial void ReloadRefused(ILogger logger, string reason);
}
