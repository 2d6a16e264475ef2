using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;

namespace KazGrpc.Hosting;

/// <summary>
/// The host's <see cref="Meter"/> (<c>KazGrpc</c> unless <see cref="HostingOptions.MeterName"/> says
/// otherwise) and its transport instruments, for gRPC calls and the host's own HTTP routes alike. Tags are bounded:
/// method and status code only, never request ids or text.
/// </summary>
public sealed class ServerMetrics
{
    /// <summary>Name of the meter every KazGrpc instrument belongs to, unless configured otherwise.</summary>
    public const string DefaultMeterName = "KazGrpc";

    private readonly Counter<long> _requests;
    private readonly Histogram<double> _duration;
    private readonly UpDownCounter<long> _activeStreams;

    /// <summary>Creates the instruments on the host's meter, named <paramref name="meterName"/>.</summary>
    public ServerMetrics(IMeterFactory meterFactory, string meterName = DefaultMeterName)
    {
        Meter = meterFactory.Create(meterName);
        _requests = Meter.CreateCounter<long>("kazgrpc.rpc.server.requests", "{request}", "Completed gRPC calls by method and status code.");
        _duration = Meter.CreateHistogram<double>("kazgrpc.rpc.server.duration", "s", "Duration of gRPC calls by method and status code.");
        _activeStreams = Meter.CreateUpDownCounter<long>("kazgrpc.rpc.server.active_streams", "{stream}", "Streaming calls in progress by method.");
    }

    /// <summary>The host's meter, for the host's own instruments.</summary>
    public Meter Meter { get; }

    /// <summary>Records a completed call of <paramref name="method"/> (a gRPC method's path, or an HTTP
    /// route of the host's own) with the gRPC code its outcome has.</summary>
    public void Completed(string method, StatusCode code, TimeSpan elapsed)
    {
        var tags = new TagList { { "rpc.method", method }, { "rpc.grpc.status_code", code.ToString() } };
        _requests.Add(1, tags);
        _duration.Record(elapsed.TotalSeconds, tags);
    }

    internal void StreamStarted(string method) => _activeStreams.Add(1, new KeyValuePair<string, object?>("rpc.method", method));

    internal void StreamEnded(string method) => _activeStreams.Add(-1, new KeyValuePair<string, object?>("rpc.method", method));
}
