using System.Security.Claims;
using Grpc.Core;
using KazGrpc.Core;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace KazGrpc.Hosting.Security;

/// <summary>
/// Caller identity for every front of a host (gRPC, JSON transcoding, the OpenAI-compatible API):
/// begins a call's <see cref="CallerScope"/>, authenticates it from the request's headers, and ends
/// it with its audit line. Credentials: an API key as <c>authorization: Bearer KEY</c> or
/// <c>x-api-key: KEY</c>, or a JWT as <c>authorization: Bearer TOKEN</c> (told apart by the JWT's
/// two dots, which keys never have). With <see cref="AuthOptions.Enabled"/> off every call is
/// <see cref="AnonymousCaller"/>, granted everything, under the default quotas.
/// </summary>
public sealed class AccessControl
{
    /// <summary>The caller of every call while auth is off.</summary>
    public const string AnonymousCaller = "anonymous";

    /// <summary>The header that carries an API key besides <c>authorization</c>.</summary>
    public const string ApiKeyHeader = "x-api-key";

    internal const string ApiKeyScheme = "KazGrpc.ApiKey";
    internal const string JwtScheme = "KazGrpc.Jwt";
    internal const string CallerClaim = "kazgrpc:caller";

    private const string RequestIdHeader = "x-request-id";
    private const string HealthService = "grpc.health.v1.Health/";
    private const string ReflectionService = "grpc.reflection.";

    private readonly AuthOptions _startup;
    private readonly CallerDirectory _directory;
    private readonly AuditLog _audit;
    private readonly TimeProvider _time;

    internal AccessControl(IOptions<AuthOptions> options, CallerDirectory directory, AuditLog audit, TimeProvider time)
    {
        _startup = options.Value;
        _directory = directory;
        _audit = audit;
        _time = time;
    }

    /// <summary>Whether calls need a credential (<c>Auth:Enabled</c>, read at start-up).</summary>
    public bool Enabled => _startup.Enabled;

    /// <summary>The scope that <see cref="Begin"/> gave <paramref name="http"/>'s call; null when none.</summary>
    public static CallerScope? Of(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.Features.Get<CallerScope>();
    }

    /// <summary>Begins the scope of <paramref name="http"/>'s call, as <paramref name="operation"/> over
    /// <paramref name="transport"/>; <paramref name="requestId"/> when the request names one, else its
    /// <c>x-request-id</c> header, else the server's id of the request.</summary>
    public CallerScope Begin(HttpContext http, string operation, string transport, string? requestId = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (string.IsNullOrEmpty(requestId))
        {
            requestId = http.Request.Headers[RequestIdHeader].ToString() is { Length: > 0 } header ? header : http.TraceIdentifier;
        }

        var scope = new CallerScope(operation, transport, requestId, _time.GetUtcNow(), _time.GetTimestamp());
        http.Features.Set(scope);
        return scope;
    }

    /// <summary>Ends <paramref name="scope"/>: releases its slot and writes its audit line with <paramref name="status"/>.</summary>
    public void End(CallerScope scope, StatusCode status)
    {
        ArgumentNullException.ThrowIfNull(scope);
        scope.Dispose();
        if (!scope.Operation.StartsWith(HealthService, StringComparison.Ordinal))
        {
            // Probes call health every few seconds: their lines would drown the callers'.
            _audit.Write(scope, status, _time.GetElapsedTime(scope.Started));
        }
    }

    /// <summary>True for the RPCs that configuration leaves open: health (<c>Auth:OpenHealth</c>) and
    /// reflection (<c>Auth:OpenReflection</c>) need no credential and count against no quota.</summary>
    public bool IsOpen(string method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return (method.StartsWith(HealthService, StringComparison.Ordinal) && (_startup.OpenHealth || !_startup.Enabled))
            || (method.StartsWith(ReflectionService, StringComparison.Ordinal) && (_startup.OpenReflection || !_startup.Enabled));
    }

    /// <summary>Identifies the caller of <paramref name="scope"/> from <paramref name="http"/>'s credential;
    /// throws <see cref="UnauthenticatedException"/> saying what is wrong (never the credential) when auth
    /// is on and there is none or it is not valid.</summary>
    public async ValueTask AuthenticateAsync(CallerScope scope, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(http);
        var caller = _startup.Enabled ? await IdentifyAsync(http) : _directory.Current.Anonymous;
        scope.Identify(caller, _directory.Account(caller));
    }

    /// <summary>The API key of a request: <c>x-api-key</c>, else a bearer credential that is not a JWT; null when none.</summary>
    internal static string? ApiKeyOf(HttpRequest request)
    {
        if (request.Headers[ApiKeyHeader].ToString() is { Length: > 0 } key)
        {
            return key;
        }

        return BearerOf(request) is { } bearer && !LooksLikeJwt(bearer) ? bearer : null;
    }

    private static string? BearerOf(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && authorization.Length > 7 ? authorization[7..].Trim() : null;
    }

    private static bool LooksLikeJwt(string credential) => credential.Count(c => c == '.') == 2;

    private async ValueTask<Caller> IdentifyAsync(HttpContext http)
    {
        var snapshot = _directory.Current;
        var bearer = BearerOf(http.Request);
        var jwt = bearer is not null && LooksLikeJwt(bearer) && http.Request.Headers[ApiKeyHeader].Count == 0;
        if (jwt && !snapshot.Jwt.Enabled)
        {
            throw new UnauthenticatedException("the bearer token is a JWT, and this server accepts none (Auth:Jwt has no signing keys); send an API key");
        }

        if (!jwt && ApiKeyOf(http.Request) is null)
        {
            throw new UnauthenticatedException(
                $"no credential: send an API key as `authorization: Bearer <key>` or `{ApiKeyHeader}: <key>`{(snapshot.Jwt.Enabled ? ", or a JWT as `authorization: Bearer <token>`" : string.Empty)}");
        }

        var result = await http.AuthenticateAsync(jwt ? JwtScheme : ApiKeyScheme);
        if (!result.Succeeded)
        {
            throw new UnauthenticatedException(jwt ? DescribeJwtFailure(result.Failure) : "the API key is not valid (unknown or revoked)");
        }

        var claim = jwt ? snapshot.Jwt.CallerClaim : CallerClaim;
        var id = result.Principal.FindFirstValue(claim);
        if (string.IsNullOrEmpty(id))
        {
            throw new UnauthenticatedException($"the bearer token has no '{claim}' claim to name its caller");
        }

        // The snapshot the credential was checked against, not one a reload brought in meanwhile.
        return snapshot.Find(id);
    }

    private static string DescribeJwtFailure(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException expired => $"the bearer token expired at {expired.Expires:yyyy-MM-ddTHH:mm:ssZ}",
        SecurityTokenNotYetValidException => "the bearer token is not valid yet (nbf)",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "the bearer token's signature does not match a configured key",
        SecurityTokenInvalidIssuerException => "the bearer token's issuer is not the configured one",
        SecurityTokenInvalidAudienceException => "the bearer token's audience is not the configured one",
        SecurityTokenNoExpirationException => "the bearer token has no expiry (exp)",
        _ => "the bearer token is not valid (malformed or of an unsupported kind)",
    };
}
