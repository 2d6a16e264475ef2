namespace KazGrpc.Bench;

/// <summary>Medians over runs and ratios to in-process.</summary>
internal static class BenchSummary
{
    /// <summary>The ratio of service throughput to in-process throughput aimed for.</summary>
    public const double TargetRatio = 0.5;

    /// <summary>One row per mode and language, in the order of the options.</summary>
    /// <param name="measurements">Every measurement.</param>
    /// <param name="options">The settings (modes, languages, batch).</param>
    /// <param name="serviceInProcess">The service ran in this process, so its CPU time is in the measurements.</param>
    public static IReadOnlyList<SummaryRow> Medians(IReadOnlyList<MeasurementRecord> measurements, TokenizeBenchOptions options, bool serviceInProcess)
    {
        var rows = new List<SummaryRow>();
        foreach (var language in options.Languages)
        {
            var code = LanguageProfiles.For(language).Code;
            var inProcess = measurements.Where(m => m.Language == code && m.Mode == BenchModes.Key(BenchMode.InProcess)).ToList();
            var baseline = Median(inProcess.Select(m => m.TextsPerSecond));
            var baselineEfficiency = Median(inProcess.Select(m => m.TextsPerCpuSecond));
            foreach (var mode in options.Modes)
            {
                var key = BenchModes.Key(mode);
                var cell = measurements.Where(m => m.Language == code && m.Mode == key).ToList();
                if (cell.Count == 0)
                {
                    continue;
                }

                var texts = Median(cell.Select(m => m.TextsPerSecond));
                var efficiency = Median(cell.Select(m => m.TextsPerCpuSecond));
                rows.Add(new SummaryRow(
                    key,
                    BenchModes.Label(mode, options.Batch),
                    code,
                    cell.Count,
                    texts,
                    Median(cell.Select(m => m.MegabytesPerSecond)),
                    Median(cell.Select(m => m.TokensPerSecond)),
                    Median(cell.Select(m => m.CpuCores)),
                    efficiency,
                    Median(cell.Select(m => m.GcPauseShare)),
                    baseline > 0 ? texts / baseline : 0,
                    !serviceInProcess && BenchModes.ThroughService(mode) ? null : baselineEfficiency > 0 ? efficiency / baselineEfficiency : 0,
                    cell.Any(m => m.PoolRanOut)));
            }
        }

        return rows;
    }

    /// <summary>The batched service modes as a share of in-process (the first one, unary, is the headline).</summary>
    public static IReadOnlyList<HeadlineRatio> Headline(IReadOnlyList<SummaryRow> rows, TokenizeBenchOptions options)
    {
        var headline = new List<HeadlineRatio>();
        foreach (var mode in new[] { BenchMode.UnaryBatch, BenchMode.Stream }.Where(options.Modes.Contains))
        {
            var key = BenchModes.Key(mode);
            var byLanguage = rows.Where(r => r.Mode == key).ToDictionary(r => r.Language, r => r.RatioToInProcess, StringComparer.Ordinal);
            if (byLanguage.Count == 0)
            {
                continue;
            }

            var efficiency = rows.Where(r => r.Mode == key && r.EfficiencyToInProcess is not null)
                .ToDictionary(r => r.Language, r => r.EfficiencyToInProcess!.Value, StringComparer.Ordinal);
            var minimum = byLanguage.Values.Min();
            headline.Add(new HeadlineRatio(key, BenchModes.Label(mode, options.Batch), byLanguage, minimum, efficiency, TargetRatio, minimum >= TargetRatio));
        }

        return headline;
    }

    /// <summary>The median; the mean of the middle two for an even count; 0 for none.</summary>
    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return 0;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
