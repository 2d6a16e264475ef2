using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KazGrpc.Hosting;

/// <summary>OpenTelemetry tracing of a KazGrpc host, exported over OTLP when configured.</summary>
public static class TracingExtensions
{
    /// <summary>The standard variable that switches the OTLP exporter on (e.g. <c>http://collector:4317</c>).</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Registers <see cref="ServerTracing"/> and, when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set
    /// (environment or configuration), a tracer provider that samples the host's own spans and
    /// ASP.NET Core's server spans (whose parent is the caller's W3C <c>traceparent</c> header) and
    /// exports them over OTLP. The exporter reads the other standard variables itself
    /// (<c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>_HEADERS</c>, <c>_TIMEOUT</c>), as does the sampler
    /// (<c>OTEL_TRACES_SAMPLER</c>, <c>OTEL_TRACES_SAMPLER_ARG</c>; default parent-based, always on).
    /// Unset, nothing listens: no span is created, sampled or exported.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="serviceName">The resource's <c>service.name</c> unless <c>OTEL_SERVICE_NAME</c> says otherwise.</param>
    public static WebApplicationBuilder AddKazGrpcTracing(this WebApplicationBuilder builder, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton<ServerTracing>();
        if (string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            return builder;
        }

        builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_SERVICE_NAME"]))
                {
                    resource.AddService(serviceName);
                }
            })
            .WithTracing(tracing => tracing
                .AddSource(ServerTracing.SourceName)
                // The long-lived streams between the services are traced per request inside them.
                // Probes and scrapes (health every second from inference-svc, /metrics, reflection)
                // would each start a trace of their own: not traced.
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = static context => !IsHousekeeping(context.Request.Path))
                .AddOtlpExporter());
        return builder;
    }

    private static bool IsHousekeeping(PathString path) =>
        path.StartsWithSegments("/metrics", StringComparison.Ordinal)
        || path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal)
        || path.StartsWithSegments("/grpc.reflection.v1.ServerReflection", StringComparison.Ordinal)
        || path.StartsWithSegments("/grpc.reflection.v1alpha.ServerReflection", StringComparison.Ordinal);
}
