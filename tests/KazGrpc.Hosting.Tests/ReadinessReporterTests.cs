using Grpc.Core;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace KazGrpc.Hosting.Tests;

public sealed class ReadinessReporterTests
{
    private readonly HealthServiceImpl _health = new();
    private readonly List<(string Message, HealthCheckResponse.Types.ServingStatus Reported)> _logged = [];
    private readonly FakeLogCollector _collector;
    private readonly ReadinessReporter _reporter;

    public ReadinessReporterTests()
    {
        // The sink runs as each line is logged: it records what health reported at that moment.
        _collector = FakeLogCollector.Create(new FakeLogCollectorOptions { OutputSink = line => _logged.Add((line, Status(""))) });
        _reporter = new ReadinessReporter(_health, [new ServiceName("kazgrpc.test.v1.TestService")], new FakeLogger<ReadinessReporter>(_collector));
    }

    [Fact]
    public void Constructor_ReportsNotServingForTheServerAndEachService_WithoutALogLine()
    {
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, Status(""));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, Status("kazgrpc.test.v1.TestService"));
        Assert.Empty(_logged);
    }

    [Fact]
    public void Set_Change_LoggedAtInformationBeforeItIsReported()
    {
        _reporter.Set(serving: true);

        var (message, reported) = Assert.Single(_logged);
        Assert.Equal(LogLevel.Information, _collector.LatestRecord.Level);
        Assert.Equal("Health: SERVING", _collector.LatestRecord.Message);
        Assert.EndsWith("Health: SERVING", message, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, reported);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, Status(""));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, Status("kazgrpc.test.v1.TestService"));
        Assert.True(_reporter.IsServing);
    }

    [Fact]
    public void Set_Unchanged_NeitherLoggedNorReportedAgain()
    {
        _reporter.Set(serving: true);
        _reporter.Set(serving: true);
        _reporter.Set(serving: false);
        _reporter.Set(serving: false);

        Assert.Equal(2, _logged.Count);
        Assert.Contains("Health: NOT_SERVING", _logged[1].Message, StringComparison.Ordinal);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, _logged[1].Reported);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, Status(""));
    }

    [Fact]
    public void Liveness_ServingFromTheStart_WhateverReadinessSays()
    {
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, Status(ReadinessReporter.LivenessName));
        _reporter.Set(serving: true);
        _reporter.Set(serving: false);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, Status(ReadinessReporter.LivenessName));
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, Status(""));
    }

    private HealthCheckResponse.Types.ServingStatus Status(string service) =>
        _health.Check(new HealthCheckRequest { Service = service }, new FakeServerCallContext("/grpc.health.v1.Health/Check", DateTime.MaxValue, CancellationToken.None))
            .GetAwaiter().GetResult().Status;
}
