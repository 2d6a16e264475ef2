using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>tokenizer-svc as a real process on a loopback port, which tests stop, restart, freeze (SIGSTOP) and thaw (SIGCONT).</summary>
internal sealed class TokenizerProcess : IAsyncDisposable
{
    private readonly string _modelsDirectory;
    private Process? _process;

    public TokenizerProcess(string modelsDirectory)
    {
        _modelsDirectory = modelsDirectory;
        Port = FreePort();
    }

    public int Port { get; }

    public Uri Address => new($"http://127.0.0.1:{Port}");

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList =
            {
                Repository.TokenizerServiceDll,
                $"--Hosting:GrpcAddress=127.0.0.1:{Port}",
                "--Hosting:MetricsAddress=",
                $"--Tokenization:ModelsDirectory={_modelsDirectory}",
                "--Tokenization:Builtins:0=o200k_base",
                "--Logging:LogLevel:Default=Warning",
            },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("could not start tokenizer-svc");
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        await WaitServingAsync(cancellationToken);
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            Signal("CONT");
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public void Freeze() => Signal("STOP");

    public void Thaw() => Signal("CONT");

    public async ValueTask DisposeAsync() => await StopAsync();

    private void Signal(string signal)
    {
        if (_process is { HasExited: false } process)
        {
            using var kill = Process.Start("kill", $"-{signal} {process.Id}");
            kill.WaitForExit();
        }
    }

    private async Task WaitServingAsync(CancellationToken cancellationToken)
    {
        using var channel = GrpcChannel.ForAddress(Address);
        var health = new Health.HealthClient(channel);
        var until = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < until)
        {
            try
            {
                var response = await health.CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2), cancellationToken: cancellationToken);
                if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (global::Grpc.Core.RpcException)
            {
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new TimeoutException($"tokenizer-svc on port {Port} did not report SERVING within 60 s");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
