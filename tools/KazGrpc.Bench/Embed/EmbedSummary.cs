namespace KazGrpc.Bench.Embed;

/// <summary>Medians over runs and the target figures of <c>bench embed</c>.</summary>
internal static class EmbedSummary
{
    /// <summary>Served throughput at full concurrency as a share of the in-process ceiling: at least this.</summary>
    public const double ServedTarget = 0.85;

    /// <summary>Requests/s of the identity encoder through both services as a share of the bare echo: at least this.</summary>
    public const double OverheadTarget = 0.5;

    /// <summary>Served p50 minus in-process batch-1 p50 at one caller, in milliseconds: at most this.</summary>
    public const double LatencyTargetMs = 1.0;

    /// <summary>Cores of other work on the machine above which a window counts as contended: its
    /// run is left out of the figures that depend on it, while some run was not contended.</summary>
    public const double ContentionCores = 0.25;

    /// <summary>Key of the served run.</summary>
    public const string Served = "served";

    /// <summary>Key of the naive run.</summary>
    public const string Naive = "naive";

    /// <summary>Key of the served identity-encoder run.</summary>
    public const string Overhead = "overhead";

    /// <summary>Key of the echo run.</summary>
    public const string Echo = "echo";

    /// <summary>Key of the echo run before the identity encoder's (the <see cref="Echo"/> run comes after it).</summary>
    public const string EchoBefore = "echo-before";

    /// <summary>Key of the echo whose server first tokenizes each text through tokenizer-svc (the hop alone).</summary>
    public const string HopEcho = "hop-echo";

    /// <summary>Key of the in-process run at the run's best batch size after the served window; not a ceiling candidate itself.</summary>
    public const string CeilingAfter = "ceiling-after";

    /// <summary>Key of the 1-caller echo whose calls are as far apart as the model keeps the served path idle.</summary>
    public const string EchoIdle = "echo-idle";

    /// <summary>Key of the 1-caller echo whose calls follow each other at once (the warm round trip).</summary>
    public const string EchoWarm = "echo-warm";

    /// <summary>Key of the served 1-caller run.</summary>
    public const string ServedSingle = "served-x1";

    /// <summary>Key of the in-process batch-1 1-caller run.</summary>
    public const string InProcessSingle = "inproc-x1";

    /// <summary>Prefix of the in-process key batched like the batcher (<c>bucketed-b16</c>); never the ceiling.</summary>
    public const string BucketedPrefix = "bucketed-b";

    /// <summary>Prefix of the in-process batch-size keys (<c>inproc-b16</c>).</summary>
    public const string InProcessPrefix = "inproc-b";

    /// <summary>One row per key, in the order first measured.</summary>
    public static IReadOnlyList<EmbedSummaryRow> Medians(IReadOnlyList<EmbedMeasurement> measurements) =>
    [
        .. measurements.GroupBy(m => m.Key).Select(cell =>
        {
            var first = cell.First();
            double Median(Func<EmbedMeasurement, double> value) => BenchSummary.Median(cell.Select(value));
            double? MedianOf(Func<EmbedMeasurement, double?> value)
            {
                var values = cell.Select(value).OfType<double>().ToList();
                return values.Count > 0 ? BenchSummary.Median(values) : null;
            }

            return new EmbedSummaryRow(
                cell.Key,
                first.Label,
                cell.Count(),
                first.Callers,
                first.BatchSize,
                Median(m => m.ItemsPerSecond),
                Median(m => m.TokensPerSecond),
                Median(m => m.P50Ms),
                Median(m => m.P95Ms),
                Median(m => m.P99Ms),
                MedianOf(m => m.Service?.MeanBatchSize),
                MedianOf(m => m.Service?.MeanQueueMs),
                MedianOf(m => m.Service?.MeanExecutionMs),
                MedianOf(m => m.Service?.MeanTokenizerHopMs),
                Median(m => m.BenchCpuCores),
                Median(m => m.ServiceCpuCores.Values.Sum()),
                Median(m => m.OtherCpuCores),
                Median(m => m.ItemsPerCpuSecond),
                cell.Sum(m => m.Errors.Values.Sum()));
        }),
    ];

    /// <summary>The in-process row with the most embeddings/s: the ceiling; null without in-process rows.</summary>
    public static EmbedSummaryRow? Ceiling(IReadOnlyList<EmbedSummaryRow> rows) =>
        rows.Where(r => r.Key.StartsWith(InProcessPrefix, StringComparison.Ordinal)).MaxBy(r => r.ItemsPerSecond);

    /// <summary>The targets' figures (where their measurements exist) and informational ones: each the
    /// median of the runs' own figures, leaving out runs in which a window the figure depends on ran
    /// beside other load (unless all did), with the figure of the medians beside it.</summary>
    public static IReadOnlyList<EmbedRatio> Ratios(IReadOnlyList<EmbedSummaryRow> rows, IReadOnlyList<EmbedMeasurement> measurements, IReadOnlyList<MemoryReread> rereads)
    {
        var ratios = new List<EmbedRatio>();
        var byKey = rows.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var runs = measurements.Select(m => m.Run).Distinct().Order().ToArray();
        EmbedMeasurement? In(int run, string key) => measurements.FirstOrDefault(m => m.Run == run && m.Key == key);
        EmbedMeasurement? BestIn(int run) => measurements.Where(m => m.Run == run && m.Key.StartsWith(InProcessPrefix, StringComparison.Ordinal)).MaxBy(m => m.ItemsPerSecond);

        // A figure measured on both sides of the window it is compared with counts as the mean of the two.
        static double? Bracketed(double? before, double? after) => before is { } b && after is { } a ? (a + b) / 2 : before ?? after;
        double? CeilingIn(int run, Func<EmbedMeasurement, double> value) =>
            BestIn(run) is { } best ? Bracketed(value(best), In(run, CeilingAfter) is { } after ? value(after) : null) : null;
        double? EchoIn(int run, Func<EmbedMeasurement, double> value) =>
            Bracketed(In(run, EchoBefore) is { } before ? value(before) : null, In(run, Echo) is { } after ? value(after) : null);
        bool Contended(int run, Func<string, bool> keys) => measurements.Any(m => m.Run == run && keys(m.Key) && m.OtherCpuCores > ContentionCores);
        static double? Divide(double? a, double? b) => a is { } x && b is { } y && y > 0 ? x / y : null;
        void Add(string key, string description, double fromMedians, Func<int, double?> figure, Func<string, bool> keys, double? target, bool atMost)
        {
            var clean = runs.Where(r => !Contended(r, keys)).ToList();
            var used = clean.Count > 0 ? clean : [.. runs];
            List<double> perRun = [.. used.Select(figure).OfType<double>()];
            var value = perRun.Count > 0 ? BenchSummary.Median(perRun) : fromMedians;
            bool? met = target is { } t ? (atMost ? value <= t : value >= t) : null;
            ratios.Add(new EmbedRatio(key, description, value, fromMedians, perRun, [.. runs.Except(used)], target, atMost, met));
        }

        static Func<string, bool> Keys(params string[] keys) => k => keys.Contains(k);
        static bool ServedOrInProcess(string k) => k == Served || k == CeilingAfter || k.StartsWith(InProcessPrefix, StringComparison.Ordinal);
        static bool OverheadOrEcho(string k) => k is Overhead or Echo or EchoBefore;

        var ceiling = Ceiling(rows);
        byKey.TryGetValue(CeilingAfter, out var ceilingAfter);
        if (byKey.TryGetValue(Served, out var served) && ceiling is not null)
        {
            var ceilingRate = Bracketed(ceiling.ItemsPerSecond, ceilingAfter?.ItemsPerSecond)!.Value;
            var ceilingPerCpu = Bracketed(ceiling.ItemsPerCpuSecond, ceilingAfter?.ItemsPerCpuSecond)!.Value;
            Add("served/ceiling", $"{served.Label} emb/s / in-process ceiling (best batch size of each run, the mean of its sweep and of the same batch size after served; of the medians: batch {ceiling.BatchSize}) emb/s",
                served.ItemsPerSecond / ceilingRate, r => Divide(In(r, Served)?.ItemsPerSecond, CeilingIn(r, m => m.ItemsPerSecond)), ServedOrInProcess, ServedTarget, false);
            Add("served/ceiling per cpu-s", "the same per CPU-second (client + services against the in-process model alone); steadier on a shared machine",
                served.ItemsPerCpuSecond / ceilingPerCpu, r => Divide(In(r, Served)?.ItemsPerCpuSecond, CeilingIn(r, m => m.ItemsPerCpuSecond)), ServedOrInProcess, null, false);
        }

        if (byKey.TryGetValue(Overhead, out var overhead) && byKey.TryGetValue(Echo, out var echo))
        {
            byKey.TryGetValue(EchoBefore, out var echoBefore);
            var echoRate = Bracketed(echoBefore?.ItemsPerSecond, echo.ItemsPerSecond)!.Value;
            var echoPerCpu = Bracketed(echoBefore?.ItemsPerCpuSecond, echo.ItemsPerCpuSecond)!.Value;
            Add("overhead/echo", "identity encoder through both services req/s / bare gRPC echo req/s (the mean of the echo before and after it)",
                overhead.ItemsPerSecond / echoRate, r => Divide(In(r, Overhead)?.ItemsPerSecond, EchoIn(r, m => m.ItemsPerSecond)), OverheadOrEcho, OverheadTarget, false);
            Add("overhead/echo per cpu-s", "the same per CPU-second (client + both services against client + echo server); steadier on a shared machine",
                overhead.ItemsPerCpuSecond / echoPerCpu, r => Divide(In(r, Overhead)?.ItemsPerCpuSecond, EchoIn(r, m => m.ItemsPerCpuSecond)), OverheadOrEcho, null, false);
        }

        if (byKey.TryGetValue(HopEcho, out var hopEcho) && byKey.TryGetValue(Echo, out var bareEcho))
        {
            byKey.TryGetValue(EchoBefore, out var bareEchoBefore);
            Add("hop-echo/echo", "the echo tokenizing each text through tokenizer-svc first (inference-svc's tokenizer client, nothing else of inference-svc) req/s / bare echo req/s: the floor the tokenizer hop alone sets under overhead/echo",
                hopEcho.ItemsPerSecond / Bracketed(bareEchoBefore?.ItemsPerSecond, bareEcho.ItemsPerSecond)!.Value,
                r => Divide(In(r, HopEcho)?.ItemsPerSecond, EchoIn(r, m => m.ItemsPerSecond)), k => k is HopEcho or Echo or EchoBefore, null, false);
            Add("overhead/hop-echo", "identity encoder through both services req/s / the hop echo's: what inference-svc adds to the hop (hosting, validation, batcher, ONNX Runtime, pooling)",
                overhead is not null ? overhead.ItemsPerSecond / hopEcho.ItemsPerSecond : double.NaN,
                r => Divide(In(r, Overhead)?.ItemsPerSecond, In(r, HopEcho)?.ItemsPerSecond), k => k is HopEcho or Overhead, null, false);
        }

        if (byKey.TryGetValue(ServedSingle, out var single) && byKey.TryGetValue(InProcessSingle, out var inProcess))
        {
            Add("p50-difference", "served p50 at 1 caller - in-process batch-1 p50 at 1 caller (ms)",
                single.P50Ms - inProcess.P50Ms, r => In(r, ServedSingle)?.P50Ms - In(r, InProcessSingle)?.P50Ms, Keys(ServedSingle, InProcessSingle), LatencyTargetMs, true);
        }

        if (byKey.TryGetValue(EchoIdle, out var echoIdle))
        {
            Add("idle round trip", "p50 of one bare gRPC call from sleeping threads (1 caller, calls as far apart as the model runs; ms): the served path makes two such before the model, the call and the tokenizer hop",
                echoIdle.P50Ms, r => In(r, EchoIdle)?.P50Ms, Keys(EchoIdle), null, true);
        }

        if (byKey.TryGetValue(EchoWarm, out var echoWarm))
        {
            Add("warm round trip", "p50 of the same bare gRPC call back to back (1 caller; ms): idle minus warm is what starting from sleeping threads, and from what the caches kept over the pause, costs the call path on this machine",
                echoWarm.P50Ms, r => In(r, EchoWarm)?.P50Ms, Keys(EchoWarm), null, true);
        }

        if (rereads.Count > 0)
        {
            double? RereadIn(int run, Func<MemoryReread, double> value) => rereads.FirstOrDefault(m => m.Run == run) is { } m ? value(m) : null;
            var kib = rereads[0].KiB;
            Add("re-read after idle", $"one dependent walk over {kib} KiB (a load per 64-byte line), after sleeping as long as the idle echo's pause (ms): what the machine's caches keep over an idle gap, no gRPC involved",
                BenchSummary.Median(rereads.Select(m => m.IdleMs)), r => RereadIn(r, m => m.IdleMs), _ => false, null, true);
            Add("re-read back to back", $"the same walk right after the last one (ms): the cost of the same {kib} KiB from warm caches",
                BenchSummary.Median(rereads.Select(m => m.WarmMs)), r => RereadIn(r, m => m.WarmMs), _ => false, null, true);
        }

        if (served is not null && byKey.TryGetValue(Naive, out var naive))
        {
            Add("served/naive", "dynamic batching's gain: served emb/s / MaxBatchSize=1 emb/s",
                served.ItemsPerSecond / naive.ItemsPerSecond, r => Divide(In(r, Served)?.ItemsPerSecond, In(r, Naive)?.ItemsPerSecond), Keys(Served, Naive), null, false);
        }

        return ratios;
    }
}
