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
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private TimeSpan _bench;
    private TimeSpan _machine;
    private TimeSpan[] _services = [];
    private Dictionary<string, double>? _metrics;

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
        double Change(string name) => after!.GetValueOrDefault(name) - before!.GetValueOrDefault(name);
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

    /// <summary>Each sample of the Prometheus text, summed over its label sets (the models); null without metrics.</summary>
    private async Task<Dictionary<string, double>?> ScrapeAsync(CancellationToken cancellationToken)
    {
        if (metrics is null)
        {
            return null;
        }

        var text = await Http.GetStringAsync(new Uri(metrics, "/metrics"), cancellationToken);
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n'))
        {
            // name{labels} value [timestamp]
            var name = line.IndexOfAny(['{', ' ']);
            var value = line[(Math.Max(name, line.LastIndexOf('}')) + 1)..].Trim().Split(' ')[0];
            if (name > 0 && !line.StartsWith('#') && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                totals[line[..name]] = totals.GetValueOrDefault(line[..name]) + number;
            }
        }

        return totals;
    }

    /// <summary>Cores busy over the window, and inference-svc's means (null when not read).</summary>
    internal readonly record struct Usage(double BenchCores, double ServiceCores, double OtherCores, double? MeanBatch, double? HopMs);
}
