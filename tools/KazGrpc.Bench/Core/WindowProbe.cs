using System.Diagnostics;
using System.Globalization;
using KazGrpc.Launcher;

namespace KazGrpc.Bench.Core;

/// <summary>
/// What a window cost beyond its rate: CPU of this process, of the services involved and of the
/// rest of the machine (<c>/proc/stat</c>; zero elsewhere), and inference-svc's mean batch size and
/// tokenizer round trip, from its <c>/metrics</c> before and after.
/// </summary>
internal sealed class WindowProbe(IReadOnlyList<ServiceProcess> services, Uri? metrics)
{
    private TimeSpan _bench;
    private TimeSpan _machine;
    private TimeSpan[] _services = [];
    private string? _metrics;

    /// <summary>This process only.</summary>
    public static WindowProbe None => new([], null);

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _metrics = await ScrapeAsync(cancellationToken);
        _services = [.. services.Select(Cpu)];
        _machine = MachineBusy();
        _bench = Environment.CpuUsage.TotalTime;
    }

    public async Task<Usage> StopAsync(double seconds, CancellationToken cancellationToken)
    {
        var bench = (Environment.CpuUsage.TotalTime - _bench).TotalSeconds / seconds;
        var machine = (MachineBusy() - _machine).TotalSeconds / seconds;
        var serviceCores = services.Select((s, i) => (Cpu(s) - _services[i]).TotalSeconds).Sum() / seconds;
        var before = _metrics;
        var after = await ScrapeAsync(cancellationToken);
        double? Mean(string histogram, double scale) =>
            before is not null && after is not null && Change(histogram + "_count") is > 0 and var count ? Change(histogram + "_sum") / count * scale : null;
        double Change(string name) => PrometheusText.Sum(after!, name) - PrometheusText.Sum(before!, name);
        return new Usage(bench, serviceCores, Math.Max(0, machine - bench - serviceCores),
            Mean("kazgrpc_batch_size", 1), Mean("kazgrpc_tokenizer_hop_duration_seconds", 1000));
    }

    /// <summary>A service that died in the window makes the window meaningless: that throws here.</summary>
    private static TimeSpan Cpu(ServiceProcess service)
    {
        service.ThrowIfExited();
        using var process = Process.GetProcessById(service.Id);
        return process.TotalProcessorTime;
    }

    /// <summary>Busy time of all cores since boot: the first line of /proc/stat, in USER_HZ (100 a second),
    /// less idle and iowait (its 4th and 5th numbers).</summary>
    private static TimeSpan MachineBusy()
    {
        try
        {
            var ticks = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
                .Skip(1).Take(8).Select((field, i) => i is 3 or 4 ? 0 : long.Parse(field, CultureInfo.InvariantCulture)).Sum();
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>inference-svc's metrics page; null without metrics.</summary>
    private async Task<string?> ScrapeAsync(CancellationToken cancellationToken) =>
        metrics is null ? null : await PrometheusText.ScrapeAsync(metrics, cancellationToken);

    /// <summary>Cores busy over the window, and inference-svc's means (null when not read).</summary>
    internal readonly record struct Usage(double BenchCores, double ServiceCores, double OtherCores, double? MeanBatch, double? HopMs);
}
