using Google.Rpc;
using Grpc.Core;
using KazGrpc.Core;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace KazGrpc.Hosting.Tests;

public sealed class ErrorInterceptorTests : IDisposable
{
    private const string Method = "/kazgrpc.tokenizer.v1.TokenizerService/Tokenize";
    private readonly FakeLogger<ErrorInterceptor> _logger = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
    private readonly System.Diagnostics.Metrics.IMeterFactory _meters = new TestMeterFactory();
    private readonly ServerMetrics _metrics;
    private readonly ErrorInterceptor _interceptor;

    public ErrorInterceptorTests()
    {
        _metrics = new ServerMetrics(_meters);
        _interceptor = new ErrorInterceptor(_logger, _metrics, _time);
    }

    public void Dispose() => _meters.Dispose();

    [Fact]
    public async Task UnaryServerHandler_ValidationError_InvalidArgumentWithFieldViolations()
    {
        var error = await Call(new RequestValidationException("texts[3]", "`texts[3]` must be at most 10 bytes of UTF-8; got 12"));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("`texts[3]` must be at most 10 bytes of UTF-8; got 12", error.Status.Detail);
        var violation = Assert.Single(error.GetRpcStatus()!.GetDetail<BadRequest>()!.FieldViolations);
        Assert.Equal("texts[3]", violation.Field);
    }

    [Fact]
    public async Task UnaryServerHandler_AdapterStatus_PassesAsItIsAndLogsAtDebug()
    {
        var thrown = new RpcException(new Grpc.Core.Status(StatusCode.Unimplemented, "Generate is not served by this version"));

        var error = await Call(thrown);

        Assert.Same(thrown, error);
        var line = Assert.Single(_logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Debug, line.Level);
    }

    [Fact]
    public async Task UnaryServerHandler_NotFound_NotFoundListingNames()
    {
        var error = await Call(new ResourceNotFoundException("tokenizer", "x", ["b", "a"]));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("tokenizer 'x' was not found; available: a, b", error.Status.Detail);
        Assert.Equal("x", error.GetRpcStatus()!.GetDetail<ResourceInfo>()!.ResourceName);
    }

    [Fact]
    public async Task UnaryServerHandler_Overloaded_ResourceExhaustedWithRetryInfo()
    {
        var error = await Call(new OverloadedException("queue of minilm is full (1024 requests)", TimeSpan.FromMilliseconds(250)));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("queue of minilm is full", error.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromMilliseconds(250), error.GetRpcStatus()!.GetDetail<RetryInfo>()!.RetryDelay.ToTimeSpan());
    }

    [Fact]
    public async Task UnaryServerHandler_NotReady_Unavailable()
    {
        var error = await Call(new NotReadyException("tokenizer-svc is loading its tokenizers; retry shortly"));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("tokenizer-svc is loading its tokenizers; retry shortly", error.Status.Detail);
    }

    [Fact]
    public async Task UnaryServerHandler_UnexpectedException_InternalWithErrorIdThatTheLogCarries()
    {
        var error = await Call(new InvalidOperationException("secret internals at line 42"));
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", error.Status.Detail, StringComparison.Ordinal);
        var errorId = System.Text.RegularExpressions.Regex.Match(error.Status.Detail, "error id ([0-9a-f]{12})").Groups[1].Value;
        Assert.NotEmpty(errorId);
        var record = _logger.LatestRecord;
        Assert.Equal(LogLevel.Error, record.Level);
        Assert.Contains(errorId, record.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(record.Exception);
    }

    [Fact]
    public async Task UnaryServerHandler_CallerCancelled_CancelledAndLoggedAtDebug()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var error = await Call(new OperationCanceledException(cancelled.Token), cancelled);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal(LogLevel.Debug, _logger.LatestRecord.Level);
    }

    [Fact]
    public async Task UnaryServerHandler_ProtobufParseError_InternalAtErrorNotTheCallerLeaving()
    {
        // InvalidProtocolBufferException is an IOException, as a reset stream is; request messages are
        // refused before they get here, so one that does is a bug of the server's own parsing.
        var parseError = Assert.Throws<Google.Protobuf.InvalidProtocolBufferException>(() => Google.Protobuf.WellKnownTypes.Duration.Parser.ParseFrom([0xff, 0xff]));
        var error = await Call(parseError);
        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Equal(LogLevel.Error, _logger.LatestRecord.Level);
    }

    [Fact]
    public async Task UnaryServerHandler_DeadlinePassed_DeadlineExceeded()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var error = await Call(new OperationCanceledException(cancelled.Token), cancelled, _time.GetUtcNow().UtcDateTime.AddSeconds(-1));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(LogLevel.Debug, _logger.LatestRecord.Level);
    }

    [Fact]
    public async Task UnaryServerHandler_Completed_RecordsRequestByMethodAndStatus()
    {
        using var requests = new MetricCollector<long>(_metrics.Meter, "kazgrpc.rpc.server.requests");
        var context = new FakeServerCallContext(Method, DateTime.MaxValue, CancellationToken.None);
        await _interceptor.UnaryServerHandler<string, string>("x", context, (r, c) => Task.FromResult(r + "!"));
        await Call(new NotReadyException("loading"));
        var measurements = requests.GetMeasurementSnapshot();
        Assert.Equal(2, measurements.Count);
        Assert.Equal("OK", measurements[0].Tags["rpc.grpc.status_code"]);
        Assert.Equal("Unavailable", measurements[1].Tags["rpc.grpc.status_code"]);
        Assert.Equal(Method, measurements[1].Tags["rpc.method"]);
    }

    private async Task<RpcException> Call(Exception thrown, CancellationTokenSource? caller = null, DateTime? deadline = null)
    {
        var context = new FakeServerCallContext(Method, deadline ?? DateTime.MaxValue, caller?.Token ?? CancellationToken.None);
        return await Assert.ThrowsAsync<RpcException>(() =>
            _interceptor.UnaryServerHandler<string, string>("request", context, (_, _) => throw thrown));
    }

    private sealed class TestMeterFactory : System.Diagnostics.Metrics.IMeterFactory
    {
        private readonly List<System.Diagnostics.Metrics.Meter> _meters = [];

        public System.Diagnostics.Metrics.Meter Create(System.Diagnostics.Metrics.MeterOptions options)
        {
            var meter = new System.Diagnostics.Metrics.Meter(options.Name, options.Version, options.Tags, this);
            _meters.Add(meter);
            return meter;
        }

        public void Dispose() => _meters.ForEach(m => m.Dispose());
    }
}
