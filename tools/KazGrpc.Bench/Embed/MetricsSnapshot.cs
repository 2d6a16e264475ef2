using System.Globalization;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// inference-svc's batcher and tokenizer-hop metrics at one moment, read from its Prometheus text
/// (<c>/metrics</c>), each summed over its label sets (the models). Two snapshots around a window
/// give the window's means (see <see cref="Delta"/>).
/// </summary>
internal sealed class MetricsSnapshot
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    private readonly Dictionary<string, double> _totals;

    private MetricsSnapshot(Dictionary<string, double> totals)
    {
        _totals = totals;
    }

    /// <summary>Scrapes <c>/metrics</c> at <paramref name="address"/>.</summary>
    public static async Task<MetricsSnapshot> ScrapeAsync(Uri address, CancellationToken cancellationToken)
    {
        var text = await Http.GetStringAsync(new Uri(address, "/metrics"), cancellationToken);
        return Parse(text);
    }

    /// <summary>Reads the samples of Prometheus text: a total per metric name and, for request counts, per outcome.</summary>
    public static MetricsSnapshot Parse(string text)
    {
        var totals = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (line.StartsWith('#'))
            {
                continue;
            }

            var brace = line.IndexOf('{', StringComparison.Ordinal);
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            string name;
            string labels;
            string rest;
            if (brace >= 0 && (space < 0 || brace < space))
            {
                var close = line.LastIndexOf('}');
                name = line[..brace];
                labels = line[(brace + 1)..close];
                rest = line[(close + 1)..].Trim();
            }
            else if (space > 0)
            {
                name = line[..space];
                labels = string.Empty;
                rest = line[(space + 1)..].Trim();
            }
            else
            {
                continue;
            }

            var valueText = rest.Split(' ')[0];
            if (!double.TryParse(valueText, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            Add(totals, name, value);
            if (name == "kazgrpc_batch_requests_total" && Label(labels, "outcome") is { } outcome)
            {
                Add(totals, $"{name}/{outcome}", value);
            }
        }

        return new MetricsSnapshot(totals);
    }

    /// <summary>What happened between <paramref name="before"/> and <paramref name="after"/>.</summary>
    public static ServiceWindowMetrics Delta(MetricsSnapshot before, MetricsSnapshot after)
    {
        double Change(string name) => after._totals.GetValueOrDefault(name) - before._totals.GetValueOrDefault(name);
        double? Ratio(string numerator, string denominator) =>
            Change(denominator) is > 0 and var d ? Change(numerator) / d : null;
        double? Mean(string histogram, double scale) => Ratio(histogram + "_sum", histogram + "_count") * scale;

        const string requests = "kazgrpc_batch_requests_total/";
        var outcomes = after._totals.Keys.Where(k => k.StartsWith(requests, StringComparison.Ordinal))
            .ToDictionary(k => k[requests.Length..], k => (long)Math.Round(Change(k)), StringComparer.Ordinal);
        return new ServiceWindowMetrics(
            Mean("kazgrpc_batch_size", 1),
            (long)Math.Round(Change("kazgrpc_batch_size_count")),
            Mean("kazgrpc_batch_queue_duration_seconds", 1000),
            Mean("kazgrpc_batch_execution_duration_seconds", 1000),
            Mean("kazgrpc_tokenizer_hop_duration_seconds", 1000),
            Ratio("kazgrpc_tokenizer_hop_texts_total", "kazgrpc_tokenizer_hop_messages_total"),
            outcomes);
    }

    private static void Add(Dictionary<string, double> totals, string name, double value) =>
        totals[name] = totals.GetValueOrDefault(name) + value;

    private static string? Label(string labels, string key)
    {
        var start = labels.IndexOf(key + "=\"", StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        start += key.Length + 2;
        var end = labels.IndexOf('"', start);
        return end > start ? labels[start..end] : null;
    }
}
