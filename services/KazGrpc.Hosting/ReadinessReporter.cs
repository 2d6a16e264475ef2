using Grpc.Health.V1;
using Grpc.HealthCheck;

namespace KazGrpc.Hosting;

/// <summary>
/// Sets <c>grpc.health.v1.Health</c> for the whole server (<c>""</c>) and for each service name at
/// once. Starts NOT_SERVING; the host flips it once its resources are loaded and warmed.
/// </summary>
public sealed class ReadinessReporter
{
    private readonly HealthServiceImpl _health;
    private readonly IReadOnlyList<string> _services;

    /// <summary>Creates the reporter and reports NOT_SERVING.</summary>
    public ReadinessReporter(HealthServiceImpl health, IEnumerable<ServiceName> services)
    {
        _health = health;
        _services = ["", .. services.Select(s => s.Value)];
        Set(serving: false);
    }

    /// <summary>True while SERVING is reported.</summary>
    public bool IsServing { get; private set; }

    /// <summary>Reports SERVING or NOT_SERVING for every name.</summary>
    public void Set(bool serving)
    {
        IsServing = serving;
        var status = serving ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing;
        foreach (var name in _services)
        {
            _health.SetStatus(name, status);
        }
    }
}
