using System.Globalization;

namespace KazGrpc.Bench.Embed;

/// <summary>Writes <c>bench embed</c>'s table of medians and its target figures as plain text.</summary>
internal static class EmbedTablePrinter
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>One row per measurement key; the in-process ceiling is marked with <c>*</c>.</summary>
    public static void Table(TextWriter output, IReadOnlyList<EmbedSummaryRow> rows, int runs)
    {
        if (rows.Count == 0)
        {
            return;
        }

        var ceiling = EmbedSummary.Ceiling(rows);
        var labelWidth = Math.Max(11, rows.Max(r => r.Label.Length) + 2);
        output.WriteLine(runs > 1 ? $"Medians of {runs} runs:" : "Results:");
        var header = string.Format(Culture, "{0} {1,7} {2,9} {3,9} {4,7} {5,7} {6,7} {7,6} {8,7} {9,7} {10,6} {11,17} {12,9} {13,6}",
            "measurement".PadRight(labelWidth), "callers", "emb/s", "tokens/s", "p50 ms", "p95 ms", "p99 ms", "batch", "queue", "exec", "hop",
            "cpu bench/svc/oth", "emb/cpu-s", "failed");
        output.WriteLine(header);
        output.WriteLine(new string('-', header.Length));
        foreach (var row in rows)
        {
            var label = row.Label + (ReferenceEquals(row, ceiling) ? " *" : string.Empty);
            output.WriteLine(string.Format(Culture, "{0} {1,7} {2,9:N1} {3,9:N0} {4,7:F2} {5,7:F2} {6,7:F2} {7,6} {8,7} {9,7} {10,6} {11,17} {12,9:N1} {13,6}",
                label.PadRight(labelWidth), row.Callers, row.ItemsPerSecond, row.TokensPerSecond, row.P50Ms, row.P95Ms, row.P99Ms,
                Optional(row.MeanBatchSize, "F1"), Optional(row.MeanQueueMs, "F2"), Optional(row.MeanExecutionMs, "F2"), Optional(row.MeanTokenizerHopMs, "F2"),
                string.Format(Culture, "{0:F2}/{1:F2}/{2:F2}", row.BenchCpuCores, row.ServiceCpuCores, row.OtherCpuCores),
                row.ItemsPerCpuSecond, row.Errors));
        }

        output.WriteLine();
        output.WriteLine("emb/s: embeddings per second (echo: replies). p50/p95/p99: latency of one call (in-process: of one batch).");
        output.WriteLine("batch, queue, exec, hop: inference-svc's own metrics over the window: items per batch, ms an item waited to be batched,");
        output.WriteLine("ms a batch executed, ms a tokenizer round trip took. cpu: cores busy in this process (callers; in-process: the model),");
        output.WriteLine("in the services involved, and in anything else on the machine. emb/cpu-s: per CPU-second of this process and those");
        output.WriteLine("services. * = the in-process ceiling (the best batch size).");
    }

    /// <summary>Writes each target figure with its verdict, and the informational ones.</summary>
    public static void Ratios(TextWriter output, IReadOnlyList<EmbedRatio> ratios, IReadOnlyList<EmbedMeasurement> measurements)
    {
        var contended = measurements.Where(m => m.OtherCpuCores > EmbedSummary.ContentionCores).ToList();
        if (contended.Count > 0)
        {
            output.WriteLine(string.Format(Culture, "note: {0} of {1} windows ran beside other load of more than {2:F2} cores (max {3:F2}); figures leave their runs out where a clean run exists",
                contended.Count, measurements.Count, EmbedSummary.ContentionCores, contended.Max(m => m.OtherCpuCores)));
        }

        foreach (var ratio in ratios)
        {
            // At-most figures are milliseconds (to the microsecond); a difference shows its sign.
            var format = ratio.AtMost ? ratio.Key.EndsWith("difference", StringComparison.Ordinal) ? "+0.00;-0.00" : "0.000" : "F2";
            var perRun = ratio.PerRun.Count + ratio.LeftOutRuns.Count > 1
                ? string.Format(Culture, "   median of runs {0}{1}; of the medians {2}", string.Join(" ", ratio.PerRun.Select(v => v.ToString(format, Culture))),
                    ratio.LeftOutRuns.Count > 0 ? $" (left out, other load: run {string.Join(", ", ratio.LeftOutRuns)})" : string.Empty, ratio.FromMedians.ToString(format, Culture))
                : string.Empty;
            var value = ratio.Value.ToString(format, Culture) + (ratio.AtMost ? " ms" : string.Empty);
            var verdict = ratio.Target is { } target
                ? string.Format(Culture, "   target {0} {1}: {2}", ratio.AtMost ? "<=" : ">=", ratio.AtMost ? target.ToString("F0", Culture) + " ms" : target.ToString("F2", Culture), ratio.Met == true ? "MET" : "NOT MET")
                : string.Empty;
            output.WriteLine(string.Format(Culture, "{0} {1,-26} {2,8}{3}{4}", ratio.Target is null ? "   " : ">>>", ratio.Key, value, verdict, perRun));
            output.WriteLine("      " + ratio.Description);
        }
    }

    private static string Optional(double? value, string format) => value is { } v ? v.ToString(format, Culture) : "-";
}
