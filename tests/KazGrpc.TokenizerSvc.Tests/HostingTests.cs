using System.Runtime.InteropServices;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.TokenizerSvc.Tests;

[Collection(TokenizerServiceGroup.Name)]
public sealed class HostingTests(TokenizerServiceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Health_Loaded_ServingOverallAndPerService()
    {
        var health = new Health.HealthClient(fixture.Channel);
        foreach (var service in new[] { "", "kazgrpc.tokenizer.v1.TokenizerService" })
        {
            var response = await health.CheckAsync(new HealthCheckRequest { Service = service }, cancellationToken: Token);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, response.Status);
        }
    }

    [Fact]
    public async Task Reflection_V1Alpha_ListsTheServices()
    {
        var reflection = new ServerReflection.ServerReflectionClient(fixture.Channel);
        using var call = reflection.ServerReflectionInfo(cancellationToken: Token);
        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "" }, Token);
        Assert.True(await call.ResponseStream.MoveNext(Token));
        var names = call.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.Contains("kazgrpc.tokenizer.v1.TokenizerService", names);
        Assert.Contains("grpc.health.v1.Health", names);
        await call.RequestStream.CompleteAsync();
    }

    [Fact]
    public async Task Metrics_AfterCalls_ExposeRequestCountsAndTokens()
    {
        await fixture.Client.TokenizeAsync(new TokenizeRequest { Tokenizer = "gpt2", Texts = { "metrics" } }, cancellationToken: Token);

        // A stream of its own, so that the active-streams instrument has a measurement whatever ran before.
        using (var stream = fixture.Client.TokenizeStream(cancellationToken: Token))
        {
            await stream.RequestStream.WriteAsync(new TokenizeRequest { Tokenizer = "gpt2", Texts = { "metrics" }, RequestId = "m" }, Token);
            Assert.True(await stream.ResponseStream.MoveNext(Token));
            await stream.RequestStream.CompleteAsync();
            Assert.False(await stream.ResponseStream.MoveNext(Token));
        }

        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(fixture.MetricsAddress, "/metrics"), Token);
        Assert.Contains("kazgrpc_rpc_server_requests_total{", text, StringComparison.Ordinal);
        Assert.Contains("rpc_method=\"/kazgrpc.tokenizer.v1.TokenizerService/Tokenize\"", text, StringComparison.Ordinal);
        Assert.Contains("kazgrpc_tokenizer_tokens_total{", text, StringComparison.Ordinal);
        Assert.Contains("kazgrpc_rpc_server_duration_seconds_bucket", text, StringComparison.Ordinal);
        Assert.Contains("kazgrpc_rpc_server_active_streams", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_RuntimeMeter_ExposesJitThreadPoolAndGc()
    {
        using var http = new HttpClient();
        var text = await http.GetStringAsync(new Uri(fixture.MetricsAddress, "/metrics"), Token);
        foreach (var name in new[] { "dotnet_jit_compiled_methods_total", "dotnet_thread_pool_thread_count", "dotnet_gc_pause_time_seconds_total", "dotnet_gc_collections_total{" })
        {
            Assert.Contains(name, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Metrics_TwoHostsInOneProcess_EachExportsOnlyItsOwn()
    {
        // Both hosts run in this process, each with its own meter name (the fixture's setting): an
        // exporter takes every meter of its name, so with one shared name each /metrics would show
        // the other host's calls too.
        var (app, grpc, metrics) = await TokenizerServiceFixture.StartAsync(fixture.ModelsDirectory);
        try
        {
            using var channel = GrpcChannel.ForAddress(grpc);
            await TokenizerServiceFixture.WaitServingAsync(channel, TimeSpan.FromSeconds(60));
            await new TokenizerService.TokenizerServiceClient(channel).ListTokenizersAsync(new ListTokenizersRequest(), cancellationToken: Token);
            await fixture.Client.TokenizeAsync(new TokenizeRequest { Tokenizer = "gpt2", Texts = { "mine" } }, cancellationToken: Token);

            using var http = new HttpClient();
            var second = await http.GetStringAsync(new Uri(metrics, "/metrics"), Token);
            var first = await http.GetStringAsync(new Uri(fixture.MetricsAddress, "/metrics"), Token);
            const string tokenize = "rpc_method=\"/kazgrpc.tokenizer.v1.TokenizerService/Tokenize\"";
            const string list = "rpc_method=\"/kazgrpc.tokenizer.v1.TokenizerService/ListTokenizers\"";
            Assert.Contains(list, second, StringComparison.Ordinal);
            Assert.DoesNotContain(tokenize, second, StringComparison.Ordinal);
            Assert.Contains(tokenize, first, StringComparison.Ordinal);
        }
        finally
        {
            await app.StopAsync(Token);
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Health_WhileTokenizersLoad_NotServingAndCallsUnavailable()
    {
        Assert.SkipUnless(RuntimeInformation.IsOSPlatform(OSPlatform.Linux), "needs mkfifo");

        // A model directory whose tokenizer file is a named pipe: loading blocks until the test
        // writes it, like a slow disk, so the service is observed while it loads.
        var models = Directory.CreateTempSubdirectory("kazgrpc-slow-").FullName;
        var slow = Path.Combine(models, "slow");
        Directory.CreateDirectory(slow);
        var fifo = Path.Combine(slow, "tokenizer.model");
        using (var mkfifo = System.Diagnostics.Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync(Token);
        }

        var (app, grpc, _) = await TokenizerServiceFixture.StartAsync(models);
        try
        {
            using var channel = GrpcChannel.ForAddress(grpc);
            var health = new Health.HealthClient(channel);
            var client = new TokenizerService.TokenizerServiceClient(channel);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Token)).Status);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing,
                (await health.CheckAsync(new HealthCheckRequest { Service = "kazgrpc.tokenizer.v1.TokenizerService" }, cancellationToken: Token)).Status);
            await RpcAssert.ThrowsAsync(StatusCode.Unavailable,
                () => client.ListTokenizersAsync(new ListTokenizersRequest(), cancellationToken: Token).ResponseAsync, "loading");

            await File.WriteAllBytesAsync(fifo, TestModels.Llama3Ranks(), Token);
            await TokenizerServiceFixture.WaitServingAsync(channel, TimeSpan.FromSeconds(60));
            var names = (await client.ListTokenizersAsync(new ListTokenizersRequest(), cancellationToken: Token)).Tokenizers.Select(t => t.Name);
            Assert.Contains("slow", names);
        }
        finally
        {
            await app.StopAsync(Token);
            await app.DisposeAsync();
            Directory.Delete(models, recursive: true);
        }
    }
}
