using KazGrpc.Hosting.Security;
using KazGrpc.Launcher;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Bench.Core;

/// <summary>
/// The envelope a bench command's services run with, so that its cost is measured like any other
/// setting: API keys made for the run (the benchmark's callers and inference-svc's tokenizer hop
/// each have one), quotas counted but never reached, and OTLP/HTTP export to a sink in this process
/// that takes every batch and answers at once. Disposing stops the sink.
/// </summary>
internal sealed class Envelope : IAsyncDisposable
{
    // High enough that no window reaches them: they are counted, not felt.
    private const string Unreached = "1000000000";

    private readonly WebApplication? _sink;
    private long _exports;

    private Envelope(EnvelopeSettings settings, Dictionary<string, string> environment, string? apiKey, WebApplication? sink)
    {
        Settings = settings;
        Environment = environment;
        ApiKey = apiKey;
        _sink = sink;
    }

    public EnvelopeSettings Settings { get; }

    /// <summary>What the services start with for it (under <c>--service-env</c>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; }

    /// <summary>The key every call of the benchmark carries; null without <c>--auth</c>.</summary>
    public string? ApiKey { get; }

    /// <summary>OTLP export requests the sink has taken.</summary>
    public long Exports => Interlocked.Read(ref _exports);

    public static async Task<Envelope> StartAsync(EnvelopeSettings settings, CancellationToken cancellationToken)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        string? apiKey = null;
        if (settings.Auth)
        {
            apiKey = ApiKeyHash.NewKey();
            var hopKey = ApiKeyHash.NewKey();
            environment["Auth__Enabled"] = "true";
            foreach (var (caller, key) in new[] { ("bench", apiKey), ("inference-svc", hopKey) })
            {
                environment[$"Auth__Callers__{caller}__ApiKeys__0"] = ApiKeyHash.Of(key);
                environment[$"Auth__Callers__{caller}__Rpcs__0"] = "*";
                environment[$"Auth__Callers__{caller}__Models__0"] = "*";
            }

            environment["Tokenizer__ApiKey"] = hopKey;
        }

        if (settings.Quotas)
        {
            foreach (var limit in new[] { "MaxConcurrentRequests", "MaxConcurrentStreams", "PromptTokensPerMinute", "GeneratedTokensPerMinute" })
            {
                environment[$"Auth__DefaultQuotas__{limit}"] = Unreached;
            }
        }

        WebApplication? sink = null;
        if (settings.Tracing)
        {
            var port = FreePort.Next();
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.UseKestrel(k => k.ListenLocalhost(port));
            sink = builder.Build();
            environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://localhost:{port}";
            environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        }

        var envelope = new Envelope(settings, environment, apiKey, sink);
        if (sink is not null)
        {
            // An empty ExportTraceServiceResponse is an empty protobuf body: every span accepted.
            sink.MapPost("/v1/traces", async (HttpContext http) =>
            {
                await http.Request.Body.CopyToAsync(Stream.Null, http.RequestAborted);
                Interlocked.Increment(ref envelope._exports);
                return Results.Bytes([], "application/x-protobuf");
            });
            await sink.StartAsync(cancellationToken);
        }

        return envelope;
    }

    /// <summary>The envelope as the report prints it, with what the sink took.</summary>
    public override string ToString() =>
        $"envelope: {Settings}" + (_sink is null ? string.Empty : $" ({Exports} OTLP exports taken)");

    public async ValueTask DisposeAsync()
    {
        if (_sink is not null)
        {
            await _sink.DisposeAsync();
        }
    }
}
