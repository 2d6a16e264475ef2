using Grpc.AspNetCore.Server;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace KazGrpc.Hosting.Security;

/// <summary>Registers caller identity, grants, quotas and the audit log (section <c>Auth</c>).</summary>
public static class SecurityExtensions
{
    /// <summary>
    /// Adds <see cref="AccessControl"/>, the audit and access interceptors (outermost and innermost
    /// of every gRPC call, around <see cref="ErrorInterceptor"/>), the API key and JWT schemes when
    /// <c>Auth:Enabled</c>, and <c>Auth:CallersFile</c> as a reloading configuration source. With auth
    /// on, the audit category logs at Information whatever the default level, unless configuration
    /// sets its own; with auth off it follows the default level like any other category.
    /// Call after the gRPC server is added.
    /// </summary>
    public static WebApplicationBuilder AddKazGrpcSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var section = builder.Configuration.GetSection(AuthOptions.SectionName);
        var enabled = section.GetValue<bool>(nameof(AuthOptions.Enabled));
        if (enabled)
        {
            // First, so that every other source may still set these levels. The API key scheme would
            // log each refused key at Information; the call's audit line and its Debug line say it already.
            builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
            {
                InitialData = new Dictionary<string, string?>
                {
                    [$"Logging:LogLevel:{AuditLog.Category}"] = "Information",
                    [$"Logging:LogLevel:{typeof(ApiKeyHandler).FullName}"] = "Warning",
                },
            });
        }

        if (section[nameof(AuthOptions.CallersFile)] is { Length: > 0 } file)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(file), optional: false, reloadOnChange: true);
        }

        var services = builder.Services;
        services.AddOptions<AuthOptions>().Bind(section);
        services.AddSingleton<CallerDirectory>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton(sp => new AccessControl(
            sp.GetRequiredService<IOptions<AuthOptions>>(), sp.GetRequiredService<CallerDirectory>(), sp.GetRequiredService<AuditLog>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AuditInterceptor>();
        services.AddSingleton<AccessInterceptor>();
        services.Configure<GrpcServiceOptions>(grpc =>
        {
            // Audit outside ErrorInterceptor (it records the status the caller gets), access inside it
            // (its refusals are mapped like every other domain error).
            grpc.Interceptors.Add<AuditInterceptor>();
            var audit = grpc.Interceptors[^1];
            grpc.Interceptors.RemoveAt(grpc.Interceptors.Count - 1);
            grpc.Interceptors.Insert(0, audit);
            grpc.Interceptors.Add<AccessInterceptor>();
        });

        if (enabled)
        {
            // Two schemes and no default: nothing authenticates until AccessControl asks for the one
            // the credential calls for.
            services.AddAuthentication()
                .AddScheme<AuthenticationSchemeOptions, ApiKeyHandler>(AccessControl.ApiKeyScheme, null)
                .AddJwtBearer(AccessControl.JwtScheme);
            services.AddOptions<JwtBearerOptions>(AccessControl.JwtScheme).Configure<CallerDirectory, IOptions<AuthOptions>>(ConfigureJwt);
        }

        return builder;
    }

    /// <summary>Checks the <c>Auth</c> section now, so that a wrong setting fails the start naming it, and logs what is in force.</summary>
    public static WebApplication UseKazGrpcSecurity(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var directory = app.Services.GetRequiredService<CallerDirectory>();
        if (app.Services.GetRequiredService<AccessControl>().Enabled)
        {
            var snapshot = directory.Current;
            if (snapshot.ByKey.Count == 0 && !snapshot.Jwt.Enabled)
            {
                throw new InvalidOperationException(
                    $"{AuthOptions.SectionName}:Enabled is true, but no caller has an API key and {AuthOptions.SectionName}:Jwt has no signing keys: no call could be authenticated");
            }

            SecurityLog.Enabled(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<AccessControl>(), snapshot.ById.Count, snapshot.ByKey.Count, snapshot.Jwt.Keys.Count);
        }

        return app;
    }

    // Keys, issuer and audience are read from the settings in force at each validation, so that a
    // configuration reload changes them too; a reload that is not valid leaves them as they were.
    private static void ConfigureJwt(JwtBearerOptions jwt, CallerDirectory directory, IOptions<AuthOptions> options)
    {
        jwt.MapInboundClaims = false;
        jwt.TokenValidationParameters = new TokenValidationParameters
        {
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ValidateIssuerSigningKey = true,
            ClockSkew = options.Value.Jwt.ClockSkew,
            IssuerSigningKeyResolver = (_, _, _, _) => directory.Current.Jwt.Keys,
            IssuerValidator = (issuer, _, _) => issuer == directory.Current.Jwt.Issuer
                ? issuer
                : throw new SecurityTokenInvalidIssuerException("the token's issuer is not the configured one") { InvalidIssuer = issuer },
            AudienceValidator = (audiences, _, _) => audiences.Contains(directory.Current.Jwt.Audience, StringComparer.Ordinal),
        };
    }
}
