using System.Globalization;

namespace KazGrpc.Bench;

/// <summary>Writes the result table and the headline ratios as plain text.</summary>
internal static class TablePrinter
{
    /// <summary>Writes one row per mode and language, grouped by language.</summary>
    public static void Table(TextWriter output, IReadOnlyList<SummaryRow> rows, int runs)
    {
        var culture = CultureInfo.InvariantCulture;
        var labelWidth = Math.Max(4, rows.Max(r => r.Label.Length));
        output.WriteLine(runs > 1 ? $"Medians of {runs} runs:" : "Results:");
        var header = string.Format(culture, "{0} {1,4} {2,10} {3,7} {4,12} {5,10} {6,5} {7,12} {8,9} {9,5}",
            "mode".PadRight(labelWidth), "lang", "texts/s", "MB/s", "tokens/s", "vs inproc", "cpu", "texts/cpu-s", "eff vs ip", "gc%");
        output.WriteLine(header);
        output.WriteLine(new string('-', header.Length));
        string? language = null;
        foreach (var row in rows)
        {
            if (language is not null && row.Language != language)
            {
                output.WriteLine();
            }

            language = row.Language;
            output.WriteLine(string.Format(culture, "{0} {1,4} {2,10:N0} {3,7:F2} {4,12:N0} {5,10:F2} {6,5:F2} {7,12:N0} {8,9} {9,5:F1}{10}",
                row.Label.PadRight(labelWidth), row.Language, row.TextsPerSecond, row.MegabytesPerSecond, row.TokensPerSecond, row.RatioToInProcess,
                row.CpuCores, row.TextsPerCpuSecond, row.EfficiencyToInProcess is { } efficiency ? efficiency.ToString("F2", culture) : "-", row.GcPauseShare * 100,
                row.PoolRanOut ? "  (a pool ran out: shorter window)" : string.Empty));
        }

        output.WriteLine();
        output.WriteLine("MB = 10^6 bytes of UTF-8 input. vs inproc = texts/s / in-process texts/s. cpu = cores busy in this process (client and,");
        output.WriteLine("when started in-process, tokenizer-svc). texts/cpu-s = texts per CPU-second of this process; eff vs ip = that / in-process,");
        output.WriteLine("which other load on a shared machine disturbs far less than texts/s (\"-\": an external service's CPU is not seen).");
        output.WriteLine("gc% = share of the window the GC paused this process.");
    }

    /// <summary>Writes the headline ratios with the target.</summary>
    public static void Headline(TextWriter output, IReadOnlyList<HeadlineRatio> headline)
    {
        var culture = CultureInfo.InvariantCulture;
        foreach (var ratio in headline)
        {
            var languages = string.Join("  ", ratio.ByLanguage.Select(kv => string.Format(culture, "{0} {1:F2}", kv.Key, kv.Value)));
            var efficiency = string.Join("  ", ratio.EfficiencyByLanguage.Select(kv => string.Format(culture, "{0} {1:F2}", kv.Key, kv.Value)));
            output.WriteLine(string.Format(culture, ">>> service {0} / in-process (texts/s): {1}   min {2:F2}   target >= {3:F2}: {4}",
                ratio.Label, languages, ratio.Minimum, ratio.Target, ratio.Met ? "MET" : "NOT MET"));
            if (ratio.EfficiencyByLanguage.Count > 0)
            {
                output.WriteLine(string.Format(culture, "    per CPU-second (client + service): {0}", efficiency));
            }
        }
    }
}
