using System.Globalization;

namespace KazGrpc.Launcher;

/// <summary>A service's <c>/metrics</c> page (Prometheus text format) and the values of its samples.</summary>
public static class PrometheusText
{
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(5) };

    /// <summary>The page at <paramref name="metricsAddress"/>/metrics (within 5 s).</summary>
    public static Task<string> ScrapeAsync(Uri metricsAddress, CancellationToken cancellationToken) =>
        Http.GetStringAsync(new Uri(metricsAddress, "/metrics"), cancellationToken);

    /// <summary>
    /// The sum of the samples of <paramref name="name"/> whose labels include every one of
    /// <paramref name="labels"/> (each <c>label="value"</c>, values without commas); 0 when there is none, as for a counter
    /// that nothing has added to yet.
    /// </summary>
    public static double Sum(string page, string name, params string[] labels)
    {
        double sum = 0;
        foreach (var line in page.Split('\n'))
        {
            if (!line.StartsWith(name, StringComparison.Ordinal) || line.Length == name.Length || line[name.Length] is not ('{' or ' '))
            {
                continue;
            }

            var close = line.LastIndexOf('}');
            var labelText = line[name.Length] == '{' ? line[(name.Length + 1)..close] : string.Empty;
            if (labels.All(label => labelText.Split(',').Contains(label, StringComparer.Ordinal)))
            {
                sum += double.Parse(line[((close < 0 ? name.Length : close) + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
            }
        }

        return sum;
    }
}
