namespace KazGrpc.Hosting;

/// <summary>Endpoints and transport limits of a KazGrpc host (section <c>Hosting</c>).</summary>
public sealed class HostingOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Hosting";

    /// <summary>gRPC endpoint, <c>host:port</c>, HTTP/2 (cleartext, or TLS when <see cref="Tls"/> is set). Default: the host's own
    /// (inference-svc 127.0.0.1:50051, tokenizer-svc 127.0.0.1:50052). Port 0 picks a free port.</summary>
    public string GrpcAddress { get; set; } = "127.0.0.1:0";

    /// <summary>Prometheus endpoint, <c>host:port</c>, HTTP/1.1, serving <c>/metrics</c>. Default: the
    /// host's own (9101 inference-svc, 9102 tokenizer-svc). Empty disables it.</summary>
    public string MetricsAddress { get; set; } = string.Empty;

    /// <summary>HTTP API endpoint, <c>host:port</c>, HTTP/1.1: the JSON transcoding of the RPCs that the
    /// protos annotate with <c>google.api.http</c> (routes under <c>/api/v1/</c>) and whatever HTTP API
    /// the host adds (inference-svc: the OpenAI-compatible <c>/v1/</c>). Default: the host's own
    /// (8080 inference-svc, 8081 tokenizer-svc). Empty disables it.</summary>
    public string HttpAddress { get; set; } = string.Empty;

    /// <summary>Largest message a call may receive, in bytes. Default 16 MiB.</summary>
    public int MaxReceiveMessageBytes { get; set; } = 16 << 20;

    /// <summary>Largest message a call may send, in bytes. Default 16 MiB.</summary>
    public int MaxSendMessageBytes { get; set; } = 16 << 20;

    /// <summary>Idle time after which the server pings a connection, so long streams through
    /// proxies stay open and dead peers are noticed. Default 30 s.</summary>
    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a ping may go unanswered before the connection is closed. Default 20 s.</summary>
    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>How long shutdown waits for in-flight calls to finish. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Most concurrent HTTP/2 streams per connection. Default 1000.</summary>
    public int MaxStreamsPerConnection { get; set; } = 1000;

    /// <summary>Most connections open at once on each endpoint (gRPC, HTTP API and metrics, each
    /// counted apart, so that a full gRPC port leaves probes and scrapes their own); a connection
    /// over it is closed as soon as it is accepted. Default 10,000; 0 for no limit.</summary>
    public int MaxConnections { get; set; } = 10_000;

    /// <summary>Name of the meter that holds the host's instruments and that <c>/metrics</c> exports.
    /// Default <c>KazGrpc</c>. An exporter takes every meter of its name in the process, so hosts that
    /// share a process (tests) each need their own.</summary>
    public string MeterName { get; set; } = ServerMetrics.DefaultMeterName;

    /// <summary>TLS on the gRPC and HTTP API endpoints (and on the metrics endpoint when
    /// <see cref="ServerTlsOptions.SecureMetrics"/>); off by default.</summary>
    public ServerTlsOptions Tls { get; set; } = new();

    /// <summary>Throws when a value is out of range or a TLS file does not load; called at start-up.</summary>
    public void Validate()
    {
        var endpoints = new List<(string Setting, System.Net.IPEndPoint Endpoint)>
        {
            ($"{SectionName}:{nameof(GrpcAddress)}", EndpointAddress.Parse(GrpcAddress, $"{SectionName}:{nameof(GrpcAddress)}")),
        };
        foreach (var (setting, address) in new[] { (nameof(MetricsAddress), MetricsAddress), (nameof(HttpAddress), HttpAddress) })
        {
            if (address.Length > 0)
            {
                endpoints.Add(($"{SectionName}:{setting}", EndpointAddress.Parse(address, $"{SectionName}:{setting}")));
            }
        }

        // Each endpoint serves only its own routes, told apart by port: two on one port cannot be.
        foreach (var group in endpoints.Where(e => e.Endpoint.Port != 0).GroupBy(e => e.Endpoint.Port).Where(g => g.Count() > 1))
        {
            throw new InvalidOperationException($"{string.Join(" and ", group.Select(e => e.Setting))} must use different ports; both use {group.Key}");
        }

        if (string.IsNullOrWhiteSpace(MeterName))
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(MeterName)} must not be empty");
        }

        if (MaxReceiveMessageBytes < 1024 || MaxSendMessageBytes < 1024)
        {
            throw new InvalidOperationException($"{SectionName}: message size limits must be at least 1024 bytes; got {MaxReceiveMessageBytes} and {MaxSendMessageBytes}");
        }

        if (MaxConnections < 0)
        {
            throw new InvalidOperationException($"{SectionName}:{nameof(MaxConnections)} must be 0 (no limit) or more; got {MaxConnections}");
        }

        Tls.Validate();
    }
}
