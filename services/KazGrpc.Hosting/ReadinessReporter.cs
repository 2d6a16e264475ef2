using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Hosting;

/// <summary>
/// Sets <c>grpc.health.v1.Health</c> for the whole server (<c>""</c>) and for each service name at
/// once. Starts NOT_SERVING; the host flips it once its resources are loaded and warmed. Each
/// change is logged at Information before it is reported, so whoever sees the new health can count
/// on its log line being written already. The name <see cref="LivenessName"/> is SERVING from the
/// start and stays so: a liveness probe asks it, so that a dependency being down (NOT_SERVING for
/// readiness) does not get the process restarted.
/// </summary>
public sealed class ReadinessReporter
{
    /// <summary>The health name that answers SERVING whenever the process answers at all.</summary>
    public const string LivenessName = "liveness";

    private readonly HealthServiceImpl _health;
    private readonly IReadOnlyList<string> _services;
    private readonly ILogger<ReadinessReporter> _logger;

    /// <summary>Creates the reporter and reports NOT_SERVING (not logged: it is where every host starts).</summary>
    public ReadinessReporter(HealthServiceImpl health, IEnumerable<ServiceName> services, ILogger<ReadinessReporter> logger)
    {
        _health = health;
        _services = ["", .. services.Select(s => s.Value)];
        _logger = logger;
        _health.SetStatus(LivenessName, HealthCheckResponse.Types.ServingStatus.Serving);
        Report(serving: false);
    }

    /// <summary>True while SERVING is reported.</summary>
    public bool IsServing { get; private set; }

    /// <summary>Reports SERVING or NOT_SERVING for every name; nothing happens when that is already reported.</summary>
    public void Set(bool serving)
    {
        if (serving == IsServing)
        {
            return;
        }

        HostingLog.HealthChanged(_logger, serving ? "SERVING" : "NOT_SERVING");
        Report(serving);
    }

    private void Report(bool serving)
    {
        IsServing = serving;
        var status = serving ? HealthCheckResponse.Types.ServingStatus.Serving : HealthCheckResponse.Types.ServingStatus.NotServing;
        foreach (var name in _services)
        {
            _health.SetStatus(name, status);
        }
    }
}
