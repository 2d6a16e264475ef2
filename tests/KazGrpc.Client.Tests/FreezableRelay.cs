using System.Net;
using System.Net.Sockets;

namespace KazGrpc.Client.Tests;

/// <summary>
/// A TCP relay on loopback in front of a tokenizer-svc that a test can freeze: while frozen, it
/// accepts connections and takes bytes but passes nothing on, in either direction, as a
/// tokenizer-svc under SIGSTOP would; thawed, it passes on what it held and serves on.
/// </summary>
internal sealed class FreezableRelay : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Uri _upstream;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _connections = [];
    private readonly Task _accepting;
    private TaskCompletionSource _thawed = Thawed();

    public FreezableRelay(Uri upstream)
    {
        _upstream = upstream;
        _listener.Start();
        Address = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");
        _accepting = AcceptAsync();
    }

    public Uri Address { get; }

    public void Freeze()
    {
        if (_thawed.Task.IsCompleted)
        {
            Volatile.Write(ref _thawed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }
    }

    public void Thaw() => Volatile.Read(ref _thawed).TrySetResult();

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_connections)
        {
            _connections.ForEach(c => c.Dispose());
        }

        await _accepting;
        _stop.Dispose();
    }

    private static TaskCompletionSource Thawed()
    {
        var thawed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        thawed.SetResult();
        return thawed;
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var downstream = await _listener.AcceptTcpClientAsync(_stop.Token);
                var upstream = new TcpClient();
                lock (_connections)
                {
                    _connections.Add(downstream);
                    _connections.Add(upstream);
                }

                await upstream.ConnectAsync(_upstream.Host, _upstream.Port, _stop.Token);
                _ = PumpAsync(downstream.GetStream(), upstream.GetStream());
                _ = PumpAsync(upstream.GetStream(), downstream.GetStream());
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // Stopped.
        }
    }

    private async Task PumpAsync(NetworkStream from, NetworkStream to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer, _stop.Token)) > 0)
            {
                await Volatile.Read(ref _thawed).Task.WaitAsync(_stop.Token);
                await to.WriteAsync(buffer.AsMemory(0, read), _stop.Token);
            }

            to.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            // A side closed, or the relay stopped.
        }
    }
}
