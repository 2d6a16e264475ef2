using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using KazGrpc.Bench.Core;
using KazGrpc.Bench.GenAi;
using KazGrpc.Launcher;

namespace KazGrpc.Bench.Generate;

/// <summary>
/// onnxruntime-genai's <c>Generator</c> in a process of its own (<c>tools/KazGrpc.Bench.GenAi</c>): its
/// CPU ONNX Runtime cannot share a process, nor a bin folder, with the GPU package this benchmark
/// loads. One static batch a request, as a JSON line each way; the step times it returns are on this
/// machine's monotonic clock, as this process's are. Disposing ends it.
/// </summary>
internal sealed class GenAiProcess : IAsyncDisposable
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromMinutes(3);
    private static readonly TimeSpan BatchTimeout = TimeSpan.FromMinutes(10);

    private readonly ServiceProcess _process;
    private readonly Channel<string> _replies;

    private GenAiProcess(ServiceProcess process, Channel<string> replies)
    {
        (_process, _replies) = (process, replies);
    }

    public ServiceProcess Process => _process;

    /// <summary>The built program; bench generate needs the solution built.</summary>
    public static string Dll => Path.Combine(RepositoryPaths.Root, "tools", "KazGrpc.Bench.GenAi", "bin", RepositoryPaths.Configuration, "net10.0", "kazgrpc-bench-genai.dll");

    /// <summary>Starts it on <paramref name="modelDirectory"/> with <paramref name="intraOpThreads"/> (0: genai's default)
    /// and waits until it has loaded and warmed the model.</summary>
    public static async Task<GenAiProcess> StartAsync(
        string modelDirectory, int intraOpThreads, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var replies = Channel.CreateUnbounded<string>(new UnboundedChannelOptions { SingleReader = true });
        var process = ServiceProcess.Start(
            "onnxruntime-genai", Dll, [modelDirectory, intraOpThreads.ToString(System.Globalization.CultureInfo.InvariantCulture)], environment, RepositoryPaths.Root,
            line =>
            {
                if (line.StartsWith("ready ", StringComparison.Ordinal) || line.StartsWith("result ", StringComparison.Ordinal) || line.StartsWith("error ", StringComparison.Ordinal))
                {
                    replies.Writer.TryWrite(line);
                }
            });
        var genai = new GenAiProcess(process, replies);
        try
        {
            var ready = JsonSerializer.Deserialize(await genai.ReplyAsync("ready", ReadyTimeout, cancellationToken), GenAiJsonContext.Default.GenAiReady);
            return ready?.StopwatchFrequency == Stopwatch.Frequency
                ? genai
                : throw new InvalidOperationException($"onnxruntime-genai's process counts {ready?.StopwatchFrequency} ticks a second, this one {Stopwatch.Frequency}: their step times do not compare");
        }
        catch
        {
            await genai.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs one static batch of <paramref name="rows"/>, each generating <paramref name="maxNewTokens"/>.</summary>
    public async Task<GenAiBatchResult> RunAsync(int[][] rows, int maxNewTokens, CancellationToken cancellationToken)
    {
        await _process.SendLineAsync(JsonSerializer.Serialize(new GenAiBatchRequest(rows, maxNewTokens), GenAiJsonContext.Default.GenAiBatchRequest), cancellationToken);
        return JsonSerializer.Deserialize(await ReplyAsync("result", BatchTimeout, cancellationToken), GenAiJsonContext.Default.GenAiBatchResult)
            ?? throw new InvalidOperationException("onnxruntime-genai's process answered an empty result");
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>The JSON of the next reply, which must be <paramref name="kind"/>; throws with the process's output when it fails, exits or takes too long.</summary>
    private async Task<string> ReplyAsync(string kind, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        while (true)
        {
            using var poll = CancellationTokenSource.CreateLinkedTokenSource(limit.Token);
            poll.CancelAfter(TimeSpan.FromSeconds(1));
            try
            {
                var line = await _replies.Reader.ReadAsync(poll.Token);
                return line.StartsWith(kind + " ", StringComparison.Ordinal)
                    ? line[(kind.Length + 1)..]
                    : throw new InvalidOperationException($"onnxruntime-genai's process answered: {line}");
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                _process.ThrowIfExited();
                if (limit.IsCancellationRequested)
                {
                    throw new TimeoutException($"onnxruntime-genai's process did not answer within {timeout.TotalSeconds:F0} s; its last output:\n{_process.RecentOutput()}");
                }
            }
        }
    }
}
