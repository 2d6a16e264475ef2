using Google.Protobuf.Reflection;
using Google.Rpc;
using Grpc.AspNetCore.Server.Model;
using Grpc.HealthCheck;
using KazGrpc.Hosting.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace KazGrpc.Hosting;

/// <summary>Service defaults shared by the KazGrpc hosts.</summary>
public static class HostingExtensions
{
    /// <summary>
    /// Adds Kestrel endpoints (gRPC over HTTP/2; the HTTP API and Prometheus over HTTP/1.1; cleartext,
    /// or TLS with optional client certificates when <c>Hosting:Tls</c> says so), gRPC with the error interceptor and message limits, JSON transcoding of the
    /// annotated RPCs (when the HTTP API is on), health (NOT_SERVING until the host says otherwise),
    /// reflection, metrics and graceful shutdown.
    /// </summary>
    /// <param name="builder">The host builder.</param>
    /// <param name="defaults">This host's addresses when configuration sets none.</param>
    /// <param name="serviceNames">Fully-qualified names of the gRPC services the host serves, reported by health.</param>
    public static WebApplicationBuilder AddKazGrpcHosting(this WebApplicationBuilder builder, HostAddresses defaults, params string[] serviceNames)
    {
        ArgumentNullException.ThrowIfNull(defaults);

        // Defaults go first, so that appsettings, environment variables and arguments override them.
        builder.Configuration.Sources.Insert(0, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = new Dictionary<string, string?>
            {
                [$"{HostingOptions.SectionName}:{nameof(HostingOptions.GrpcAddress)}"] = defaults.Grpc,
                [$"{HostingOptions.SectionName}:{nameof(HostingOptions.HttpAddress)}"] = defaults.Http,
                [$"{HostingOptions.SectionName}:{nameof(HostingOptions.MetricsAddress)}"] = defaults.Metrics,

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

                // The same lines for transcoded calls, and a stack trace per request body that is not JSON.
                ["Logging:LogLevel:Grpc.AspNetCore.Grpc.JsonTranscoding"] = "Warning",
            },
        });

        var options = builder.Configuration.GetSection(HostingOptions.SectionName).Get<HostingOptions>() ?? new HostingOptions();
        options.Validate();
        builder.Services.AddOptions<HostingOptions>().Bind(builder.Configuration.GetSection(HostingOptions.SectionName)).ValidateOnStart()
            .Validate(o => { o.Validate(); return true; });

        var listeners = new HostListeners();
        builder.Services.AddSingleton(listeners);
        if (options.Tls.Enabled)
        {
            builder.Services.AddSingleton(services => new ServerTls(options.Tls, services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<ServerTls>>()));
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var tls = options.Tls.Enabled ? kestrel.ApplicationServices.GetRequiredService<ServerTls>() : null;
            void Listen(ListenerKind kind, string address, string setting, HttpProtocols protocols, bool secure) =>
                kestrel.Listen(EndpointAddress.Parse(address, setting), listen =>
                {
                    listen.Protocols = protocols;
                    if (secure)
                    {
                        listen.UseHttps(tls!.HandshakeOptions());
                    }

                    listeners.Add(kind, listen, secure);
                });

            Listen(ListenerKind.Grpc, options.GrpcAddress, "Hosting:GrpcAddress", HttpProtocols.Http2, tls is not null);
            if (options.MetricsAddress.Length > 0)
            {
                Listen(ListenerKind.Metrics, options.MetricsAddress, "Hosting:MetricsAddress", HttpProtocols.Http1, tls is not null && options.Tls.SecureMetrics);
            }

            if (options.HttpAddress.Length > 0)
            {
                Listen(ListenerKind.Http, options.HttpAddress, "Hosting:HttpAddress", HttpProtocols.Http1, tls is not null);
            }

            kestrel.Limits.Http2.KeepAlivePingDelay = options.KeepAlivePingDelay;
            kestrel.Limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
            kestrel.Limits.MaxConcurrentConnections = options.MaxConnections > 0 ? options.MaxConnections : null;
            kestrel.AddServerHeader = false;
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => new ServerMetrics(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>(), options.MeterName));

        // Registered, the interceptor is one instance; unregistered, gRPC would build one per call.
        builder.Services.AddSingleton<ErrorInterceptor>();
        var grpcServer = builder.Services.AddGrpc(grpc =>
        {
            grpc.Interceptors.Add<ErrorInterceptor>();
            grpc.MaxReceiveMessageSize = options.MaxReceiveMessageBytes;
            grpc.MaxSendMessageSize = options.MaxSendMessageBytes;
            grpc.EnableDetailedErrors = false;
        });

        // In place of grpc-dotnet's own provider (not a second one: each would map every method).
        builder.Services.RemoveAll(typeof(IServiceMethodProvider<>));
        builder.Services.AddSingleton(typeof(IServiceMethodProvider<>), typeof(GuardedServiceMethodProvider<>));
        if (options.HttpAddress.Length > 0)
        {
            // Transcoded calls run the same service methods through the same interceptor (the
            // guard keeps their routes to the HTTP endpoint); the type registry lets their JSON
            // errors carry the google.rpc details (BadRequest, ResourceInfo, RetryInfo) as well.
            grpcServer.AddJsonTranscoding(transcoding => transcoding.TypeRegistry = TypeRegistry.FromFiles(ErrorDetailsReflection.Descriptor));
        }

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
        builder.AddKazGrpcSecurity();
        return builder;
    }

    /// <summary>
    /// Maps health, reflection (v1 and v1alpha) and <c>/metrics</c>, and keeps every route to its own
    /// endpoint: gRPC methods answer on the gRPC endpoint only, their JSON transcoding and routes that
    /// <see cref="RequireListener{TBuilder}"/> gives to <see cref="ListenerKind.Http"/> on the HTTP API
    /// endpoint only, <c>/metrics</c> on the metrics endpoint only; elsewhere they are 404.
    /// </summary>
    public static WebApplication MapKazGrpcDefaults(this WebApplication app)
    {
        // Creating the reporter sets NOT_SERVING for every name before the first call can arrive.
        _ = app.Services.GetRequiredService<ReadinessReporter>();
        app.UseKazGrpcSecurity();
        app.UseMiddleware<ListenerGuard>();
        app.UseMiddleware<RequestFrameGuard>();
        app.MapGrpcService<HealthServiceImpl>();
        app.MapGrpcReflectionService();
        app.MapPrometheusScrapingEndpoint("/metrics").RequireListener(ListenerKind.Metrics);
        _ = app.Services.GetRequiredService<IOptions<HostingOptions>>().Value;
        return app;
    }

    /// <summary>Serves the routes of <paramref name="builder"/> only on the host's endpoint of
    /// <paramref name="kind"/> (404 on the others).</summary>
    public static TBuilder RequireListener<TBuilder>(this TBuilder builder, ListenerKind kind)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new ListenerRequirement(kind));
}
