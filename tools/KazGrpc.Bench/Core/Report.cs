using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Spectre.Console;

namespace KazGrpc.Bench.Core;

/// <summary>What the bench commands print (Spectre.Console: the live status, the table, the targets) and the JSON result.</summary>
internal static class Report
{
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(1);

    static Report()
    {
        // Redirected output has no width of its own: keep table rows on one line in a log.
        if (Console.IsOutputRedirected)
        {
            AnsiConsole.Profile.Width = 250;
        }
    }

    /// <summary>Shows <paramref name="label"/> and <paramref name="status"/> live, once a second, until
    /// <paramref name="running"/> completes; shows nothing when the output is not a terminal.</summary>
    public static async Task ProgressAsync(string label, Func<string> status, Task running, CancellationToken cancellationToken)
    {
        if (!Console.IsOutputRedirected)
        {
            await AnsiConsole.Status().StartAsync(Markup.Escape(label), async context =>
            {
                while (!cancellationToken.IsCancellationRequested && await Task.WhenAny(running, Task.Delay(ProgressInterval, cancellationToken)) != running)
                {
                    context.Status(Markup.Escape($"{label}: {status()}"));
                }
            });
        }
    }

    /// <summary>A plain line.</summary>
    public static void Line(string text = "") => AnsiConsole.WriteLine(text);

    /// <summary>A window's result line.</summary>
    public static void Line(Window w)
    {
        if (w.Streams is { } s)
        {
            Line(string.Format(CultureInfo.InvariantCulture,
                "run {0} {1,-26} {2,9:N1} tokens/s  TTFT p50 {3,7:F1} p99 {4,7:F1} ms  ITL p50 {5,6:F1} p99 {6,6:F1} ms{7}  cpu {8:F2}+{9:F2} other {10:F2}{11}",
                w.Run, w.Label, w.TokensPerSecond, s.TtftP50Ms, s.TtftP99Ms, s.ItlP50Ms, s.ItlP99Ms, s.StepMs is { } step ? $"  step {step:F1} ms" : string.Empty,
                w.BenchCores, w.ServiceCores, w.OtherCores, Failures(w)));
            return;
        }

        Line(string.Format(CultureInfo.InvariantCulture,
            "run {0} {1,-34} {2,10:N1} {3}/s {4,7:F2} MB/s {5,10:N0} tokens/s  p50 {6,7:F2} p99 {7,7:F2} ms  cpu {8:F2}+{9:F2} other {10:F2}{11}{12}{13}{14}",
            w.Run, (w.Key.Language.Length > 0 ? w.Key.Language + " " : string.Empty) + w.Label, w.ItemsPerSecond, w.Unit, w.MegabytesPerSecond, w.TokensPerSecond, w.P50Ms, w.P99Ms, w.BenchCores, w.ServiceCores, w.OtherCores,
            w.MeanBatch is { } batch ? $"  batch {batch:F1}" : string.Empty, w.HopMs is { } hop ? $"  hop {hop:F2} ms" : string.Empty,
            Failures(w), w.RanOut ? "  (ran out of items early)" : string.Empty));
    }

    private static string Failures(Window w) => w.Failed > 0 ? $"  FAILED {w.Failed:N0} (first: {w.FirstFailure})" : string.Empty;

    /// <summary>The medians as a table of <paramref name="columns"/>, and what the columns mean.</summary>
    public static void Table(IReadOnlyList<Window> medians, int runs, IReadOnlyList<Column> columns, string legend)
    {
        var table = new Table().Border(TableBorder.Simple).Title(runs > 1 ? $"medians of {runs} runs" : "results");
        foreach (var column in columns)
        {
            table.AddColumn(column.Left ? new TableColumn(column.Header).NoWrap() : new TableColumn(column.Header).RightAligned());
        }

        foreach (var row in medians)
        {
            table.AddRow([.. columns.Select(c => new Spectre.Console.Text(c.Cell(row)))]);
        }

        AnsiConsole.Write(table);
        Line(legend);
    }

    /// <summary>Each figure with its verdict (targets first, as given), and what it divides.</summary>
    public static void Targets(IReadOnlyList<Target> targets)
    {
        foreach (var t in targets)
        {
            var format = t.Unit == "ms" ? "+0.00;-0.00" : "0.00";
            string Value(double v) => v.ToString(format, CultureInfo.InvariantCulture) + (t.Unit == "ms" ? " ms" : string.Empty);
            var verdict = t.Goal is { } goal
                ? $"  target {(t.AtMost ? "<=" : ">=")} {goal.ToString(t.Unit == "ms" ? "0.##" : "0.00", CultureInfo.InvariantCulture)}{(t.Unit == "ms" ? " ms" : string.Empty)}: "
                    + (t.Met == true ? "[green]MET[/]" : "[red]NOT MET[/]")
                : string.Empty;
            var runs = t.PerRun.Count > 1 ? $"  (runs: {string.Join(' ', t.PerRun.Select(Value))})" : string.Empty;
            AnsiConsole.MarkupLine($"{(t.Goal is null ? "   " : ">>>")} {Markup.Escape($"{t.Name,-18} {Value(t.Value),9}")}{verdict}{Markup.Escape(runs)}");
            Line("      " + t.Description);
        }
    }

    /// <summary>Writes <paramref name="result"/> to <paramref name="path"/>, creating its directory.</summary>
    public static async Task WriteJsonAsync<T>(string path, T result, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await using (var file = File.Create(path))
        {
            await JsonSerializer.SerializeAsync(file, result, type, cancellationToken);
        }

        Line();
        Line($"results: {path}");
    }

    /// <summary>The command line as given, for the JSON result.</summary>
    public static string CommandLine() => "kazgrpc-bench " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1));

    /// <summary>A table column: its header and the text of a row's cell.</summary>
    internal sealed record Column(string Header, Func<Window, string> Cell, bool Left = false);
}
