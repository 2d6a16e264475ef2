using System.Collections.Concurrent;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.Client.Tests.Callers;

/// <summary>
/// Two inference-svc replicas behind one client (round-robin over both addresses); one is killed
/// under load. Idempotent calls keep succeeding through the client's retry policy, and the streams
/// that were on the dead replica end with UNAVAILABLE instead of hanging.
/// </summary>
public sealed class ScaleOutTests : IClassFixture<ServingCluster>
{
    private const int Callers = 4;
    private const int Streams = 6;
    private readonly ServingCluster _cluster;

    public ScaleOutTests(ServingCluster cluster) => _cluster = cluster;

    [Fact]
    public async Task ReplicaKilledUnderLoad_IdempotentCallsSucceed_ItsStreamsEndUnavailable()
    {
        var token = TestContext.Current.CancellationToken;
        using var client = new KazGrpcClient(_cluster.ClientOptions());
        var failures = new ConcurrentQueue<string>();
        var killed = 0;
        long servedAfterKill = 0;
        using var stopCallers = new CancellationTokenSource();

        // Callers: Embed, Tokenize and ListModels in turn, as fast as they are answered.
        var callers = Enumerable.Range(0, Callers).Select(caller => Task.Run(async () =>
        {
            for (var i = caller; !stopCallers.IsCancellationRequested; i++)
            {
                try
                {
                    _ = (i % 3) switch
                    {
                        0 => (object)await client.EmbedAsync("minilm", [$"Өтініш нөмірі {i}"], token),
                        1 => await client.TokenizeAsync("o200k_base", [$"Сәлем, әлем! {i}"], token),
                        _ => await client.ListModelsAsync(token),
                    };
                    if (Volatile.Read(ref killed) == 1)
                    {
                        Interlocked.Increment(ref servedAfterKill);
                    }
                }
                catch (RpcException ex)
                {
                    failures.Enqueue($"call {i % 3}: {ex.StatusCode} {ex.Status.Detail}");
                }
            }
        }, token)).ToArray();

        // Round-robin spreads calls over the replicas it has connected to: let the callers connect both first.
        await Task.Delay(1000, token);

        // Long streams, spread over both replicas; each reports its first chunk, then how it ended.
        var started = Enumerable.Range(0, Streams).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
        var streams = Enumerable.Range(0, Streams).Select(s => Task.Run(async () =>
        {
            try
            {
                await foreach (var response in client.GenerateAsync(
                    "kaz-tiny", $"Ұзын жауап {s}", new GenerationParameters { MaxNewTokens = 1900, IgnoreEos = true }, token))
                {
                    started[s].TrySetResult();
                    if (response.ResponseCase == GenerateResponse.ResponseOneofCase.Final)
                    {
                        return (StatusCode?)null;
                    }
                }

                return StatusCode.Unknown;
            }
            catch (RpcException ex)
            {
                started[s].TrySetResult();
                return ex.StatusCode;
            }
        }, token)).ToArray();

        await Task.WhenAll(started.Select(s => s.Task)).WaitAsync(TimeSpan.FromSeconds(60), token);

        // Which replica holds how many streams decides what must end how; the one holding more is killed.
        var held = new int[_cluster.ReplicaAddresses.Count];
        for (var r = 0; r < held.Length; r++)
        {
            using var replica = new KazGrpcClient(new KazGrpcClientOptions { InferenceAddress = _cluster.ReplicaAddresses[r].ToString().TrimEnd('/') });
            held[r] = (int)(await replica.GetModelAsync("kaz-tiny", token)).RunningRequests;
        }

        var victim = held[1] >= held[0] ? 1 : 0;
        await _cluster.KillReplicaAsync(victim);
        Volatile.Write(ref killed, 1);
        await Task.Delay(3000, token);
        await stopCallers.CancelAsync();
        await Task.WhenAll(callers);

        // Never hang: every stream has ended well within its own deadline.
        var ends = await Task.WhenAll(streams).WaitAsync(TimeSpan.FromSeconds(60), token);

        Assert.True(failures.IsEmpty, $"{failures.Count} idempotent calls failed:\n{string.Join("\n", failures.Distinct())}");
        Assert.True(servedAfterKill > 20, $"only {servedAfterKill} idempotent calls were served after the kill");
        Assert.Equal(Streams, held.Sum());
        Assert.All(ends, end => Assert.True(end is null or StatusCode.Unavailable, $"a stream ended with {end}"));
        Assert.Equal(held[victim], ends.Count(end => end == StatusCode.Unavailable));
        Assert.Equal(held[1 - victim], ends.Count(end => end is null));
    }
}
