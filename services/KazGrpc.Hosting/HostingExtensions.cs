using Grpc.HealthCheck;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace KazGrpc.Hosting;

/// <summary>Service defaults shared by the KazGrpc hosts.</summary>
public static class HostingExtensions
{
    /// <summary>
    /// Adds Kestrel endpoints (gRPC over HTTP/2 cleartext, Prometheus over HTTP/1.1), gRPC with the
    /// error interceptor and message limits, health (NOT_SERVING until the host says otherwise),
    /// reflection, metrics and graceful shutdown.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="defaultGrpcAddress">This host's gRPC address when configuration sets none.</param>
    /// <param name="defaultMetricsAddress">This host's metrics address when configuration sets none.</param>
    /// <param name="serviceNames">Fully-qualified names of the gRPC services the host serves, reported by health.</param>
    public static WebApplicationBuilder AddKazGrpcHosting(this WebApplicationBuilder builder, string defaultGrpcAddress, string defaultMetricsAddress, params string[] serviceNames)
    {
        // Defaults go first, so that appsettings, environment variables and arguments override them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                [$"{HostingOptions.SectionName}:{nameof(HostingOptions.GrpcAddress)}"] = defaultGrpcAddress,
                [$"{HostingOptions.SectionName}:{nameof(HostingOptions.MetricsAddress)}"] = defaultMetricsAddress,

                // ASP.NET Core logs several lines per call at Information: too costly at thousands of calls a second.
                ["Logging:LogLevel:Default"] = "Information",
                ["Logging:LogLevel:Microsoft.AspNetCore"] = "Warning",

                // This category logs only request start and finish (Information, Debug), but while it
                // is enabled at all, hosting creates an Activity and a log scope for every call.
                ["Logging:LogLevel:Microsoft.AspNetCore.Hosting.Diagnostics"] = "None",

                // The gRPC server logs every non-OK status it returns ("Error status code ... raised") and
                // every stream a caller resets ("Error reading message", with a stack trace) at
                // Information: a line per rejected, cancelled or timed-out call, and the detail of the
                // status besides. ErrorInterceptor logs those calls itself, at Debug; what this
                // category logs at Warning and above (a handler that throws past it) stays.
                ["Logging:LogLevel:Grpc.AspNetCore.Server"] = "Warning",
            },
        });

        var options = builder.Configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
        options.Validate();
        builder.Services.AddOptions<HostingOptions>().Bind(builder.Configuration.GetSection(HostingOptions.SectionName)).ValidateOnStart()
            .Validate(o => { o.Validate(); return true; });

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(EndpointAddress.Parse(options.GrpcAddress, "Hosting:GrpcAddress"), listen => listen.Protocols = HttpProtocols.Http2);
            if (options.MetricsAddress.Length > 0)
            {
                kestrel.Listen(EndpointAddress.Parse(options.MetricsAddress, "Hosting:MetricsAddress"), listen => listen.Protocols = HttpProtocols.Http1);
            }

            kestrel.Limits.Http2.KeepAlivePingDelay = options.KeepAlivePingDelay;
            kestrel.Limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new ServerMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), options.MeterName));

        // Registered, the interceptor is one instance; unregistered, gRPC would build one per call.
        builder.Services.AddSingleton<ErrorInterceptor>();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ErrorInterceptor>();
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageBytes;
            grpc.MaxSendMessageSize = options.MaxSendMessageBytes;
            grpc.EnableDetailedErrors = false;
        });
        builder.Services.AddGrpcReflection();
        builder.Services.AddSingleton<HealthServiceImpl>();
        foreach (var name in serviceNames)
        {
            builder.Services.AddSingleton(new ServiceName(name));
        }

        builder.Services.AddSingleton<ReadinessReporter>();
        builder.Services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddMeter(options.MeterName)
            // The runtime's own meter (.NET 9+): GC heap and pauses, thread pool threads and queue,
            // JIT, lock contention, exceptions. Observable instruments, read only when scraped.
            .AddMeter("System.Runtime")
            // No response cache (the exporter's default keeps a page for 300 ms): a scrape shows
            // everything recorded before it, and scrapes are seconds apart.
            .AddPrometheusExporter(prometheus => prometheus.ScrapeResponseCacheDurationMilliseconds = 0));
        return builder;
    }

    /// <summary>Maps health, reflection (v1 and v1alpha) and <c>/metrics</c>.</summary>
    public static WebApplication MapKazGrpcDefaults(this WebApplication app)
    {
        // Creating the reporter sets NOT_SERVING for every name before the first call can arrive.
        _ = app.Services.GetRequiredService<ReadinessReporter>();
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();
        app.MapPrometheusScrapingEndpoint("/metrics");
        _ = app.Services.GetRequiredService<IOptions<HostingOptions>>().Value;
        return app;
    }
}
