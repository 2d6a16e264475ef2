using System.Diagnostics;
using System.Globalization;

namespace KazGrpc.Bench.Embed;

/// <summary>
/// A live status line for one measurement, rewritten in place (<c>\r</c>) every second: the
/// window's progress, its rate so far and over the last second, the mean latency and failures.
/// Writes nothing when not live (output redirected to a file). Disposing
/// stops it and clears the line.
/// </summary>
internal sealed class ProgressLine : IAsyncDisposable
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    private readonly TextWriter _output;
    private readonly string _label;
    private readonly string _unit;
    private readonly LoadRecorder _recorder;
    private readonly LatencyRecorder _latencies;
    private readonly string _goal;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _width;

    private ProgressLine(TextWriter output, string label, string unit, LoadRecorder recorder, LatencyRecorder latencies, string goal, bool live)
    {
        _output = output;
        _label = label;
        _unit = unit;
        _recorder = recorder;
        _latencies = latencies;
        _goal = goal;
        _loop = live ? RunAsync() : Task.CompletedTask;
    }

    /// <summary>Starts the line for a window of <paramref name="duration"/> or, with <paramref name="count"/>, of that many items.</summary>
    public static ProgressLine Start(TextWriter output, string label, string unit, LoadRecorder recorder, LatencyRecorder latencies, TimeSpan duration, long? count, bool live) =>
        new(output, label, unit, recorder, latencies,
            count is { } n ? string.Format(Culture, " s (ends at {0:N0} {1})", n, unit) : string.Format(Culture, "/{0:F0} s", duration.TotalSeconds), live);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _loop;
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        long lastItems = 0;
        long lastTime = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token))
            {
                var opened = _recorder.OpenedAt;
                string text;
                if (!_recorder.IsOpen)
                {
                    text = opened == 0 ? $"{_label}: warming up" : $"{_label}: finishing";
                }
                else
                {
                    var now = Stopwatch.GetTimestamp();
                    var items = _recorder.Texts;
                    var seconds = Stopwatch.GetElapsedTime(opened, now).TotalSeconds;
                    var since = lastTime == 0 ? opened : lastTime;
                    var last = (items - lastItems) / Math.Max(Stopwatch.GetElapsedTime(since, now).TotalSeconds, 1e-3);
                    var errors = _latencies.Errors.Values.Sum();
                    text = string.Format(Culture, "{0}: {1:F0}{2}  {3:N0} {4}  {5:N1} {4}/s (last second {6:N1})  mean {7:F1} ms{8}",
                        _label, seconds, _goal, items, _unit, seconds > 0 ? items / seconds : 0, last, _latencies.MeanMilliseconds,
                        errors > 0 ? string.Format(Culture, "  {0:N0} failed", errors) : string.Empty);
                    lastItems = items;
                    lastTime = now;
                }

                Write(text);
            }
        }
        catch (OperationCanceledException)
        {
        }

        Write(string.Empty);
    }

    private void Write(string text)
    {
        // Pad over what the previous line left, then return to the start for the next one.
        _output.Write("\r" + text.PadRight(_width) + (text.Length == 0 ? "\r" : string.Empty));
        _output.Flush();
        _width = text.Length;
    }
}
