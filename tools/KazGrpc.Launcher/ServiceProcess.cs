using System.ComponentModel;
using System.Diagnostics;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace KazGrpc.Launcher;

/// <summary>
/// A service started as <c>dotnet &lt;dll&gt; args...</c> with the <c>dotnet</c> that runs this
/// process. Its last lines of output are kept to say why it failed; its standard input stays open,
/// so that a host that watches it ends with this process; disposing kills it, and so does this
/// process's exit, for any not disposed by then.
/// </summary>
public sealed class ServiceProcess : IAsyncDisposable
{
    private const int KeptLines = 60;

    private static readonly Lock RunningLock = new();
    private static readonly HashSet<Process> Running = [];

    private readonly Process _process;
    private readonly Action<string>? _lines;
    private readonly Queue<string> _output = new();
    private readonly Lock _outputLock = new();

    static ServiceProcess() => AppDomain.CurrentDomain.ProcessExit += (_, _) => KillRunning();

    private ServiceProcess(string name, Process process, Action<string>? lines)
    {
        Name = name;
        _process = process;
        _lines = lines;
    }

    /// <summary>What this service is, for messages (e.g. <c>inference-svc (naive)</c>).</summary>
    public string Name { get; }

    /// <summary>The process id.</summary>
    public int Id => _process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>Starts <paramref name="dll"/> in this process's environment plus <paramref name="environment"/>;
    /// <paramref name="lines"/>, when given, receives every line it writes (from its output threads).</summary>
    /// <exception cref="InvalidOperationException"><paramref name="dll"/> has not been built.</exception>
    public static ServiceProcess Start(
        string name, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string? workingDirectory = null, Action<string>? lines = null)
    {
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{name}: {dll} does not exist; build first: dotnet build KazGrpc.sln -c {RepositoryPaths.Configuration}");
        }

        var info = new ProcessStartInfo(DotnetHost())
        {
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (variable, value) in environment)
        {
            info.Environment[variable] = value;
        }

        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var service = new ServiceProcess(name, process, lines);
        process.OutputDataReceived += (_, e) => service.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => service.Keep(e.Data);
        lock (RunningLock)
        {
            process.Start();
            Running.Add(process);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return service;
    }

    /// <summary>
    /// Waits until the gRPC health service at <paramref name="address"/> reports SERVING for
    /// <paramref name="service"/> (the whole server by default) and <paramref name="ready"/>, when
    /// given, says yes. Throws with the process's last output when it exits or
    /// <paramref name="timeout"/> passes first. <paramref name="openChannel"/> opens the channel to
    /// ask through, for a service that speaks TLS; a cleartext one by default.
    /// </summary>
    public async Task WaitServingAsync(
        Uri address, TimeSpan timeout, CancellationToken cancellationToken, string service = "", Func<GrpcChannel, CancellationToken, Task<bool>>? ready = null,
        Func<Uri, GrpcChannel>? openChannel = null)
    {
        using var channel = openChannel?.Invoke(address) ?? GrpcChannel.ForAddress(address);
        var health = new Health.HealthClient(channel);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                ThrowIfExited();
                try
                {
                    var check = await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: limit.Token);
                    if (check.Status == HealthCheckResponse.Types.ServingStatus.Serving && (ready is null || await ready(channel, limit.Token)))
                    {
                        return;
                    }
                }
                catch (RpcException ex) when (ex.StatusCode is StatusCode.Unavailable or StatusCode.DeadlineExceeded or StatusCode.NotFound)
                {
                    // Not listening yet, or still loading.
                }

                await Task.Delay(100, limit.Token);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} at {address} did not report SERVING within {timeout.TotalSeconds:F0} s; its last output:\n{RecentOutput()}", ex);
        }
    }

    /// <summary>The last lines the process wrote, for error messages.</summary>
    public string RecentOutput()
    {
        lock (_outputLock)
        {
            return string.Join('\n', _output);
        }
    }

    /// <summary>Throws, with the process's last output, when it has ended.</summary>
    public void ThrowIfExited()
    {
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"{Name} exited with code {_process.ExitCode}; its last output:\n{RecentOutput()}");
        }
    }

    /// <summary>Writes <paramref name="line"/> to the process's standard input, for a process that reads requests there.</summary>
    public async Task SendLineAsync(string line, CancellationToken cancellationToken)
    {
        ThrowIfExited();
        await _process.StandardInput.WriteLineAsync(line.AsMemory(), cancellationToken);
        await _process.StandardInput.FlushAsync(cancellationToken);
    }

    /// <summary>Sends a POSIX signal (e.g. <c>STOP</c> to freeze the process, <c>CONT</c> to thaw it) while it runs.</summary>
    public void Signal(string signal)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", $"-{signal} {_process.Id}");
            kill.WaitForExit();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // A frozen process must run again to die.
                Signal("CONT");
                _process.Kill(entireProcessTree: true);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception or OperationCanceledException)
        {
            // Already gone, or it would not die within the timeout: nothing more to do here.
        }
        finally
        {
            lock (RunningLock)
            {
                Running.Remove(_process);
            }

            _process.Dispose();
        }
    }

    private static void KillRunning()
    {
        lock (RunningLock)
        {
            foreach (var process in Running)
            {
                try
                {
                    process.Kill(entireProcessTree: true);
                }
                catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
                {
                    // Already gone.
                }
            }

            Running.Clear();
        }
    }

    /// <summary>The dotnet host running this process, so that the services run on the same runtime.</summary>
    private static string DotnetHost() =>
        Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines?.Invoke(line);
        lock (_outputLock)
        {
            _output.Enqueue(line);
            while (_output.Count > KeptLines)
            {
                _output.Dequeue();
            }
        }
    }
}
