using System.Runtime.InteropServices;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Reflection.V1Alpha;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Launcher;

namespace KazGrpc.TokenizerSvc.Tests;

[Collection(TokenizerServiceGroup.Name)]
public sealed class HostingTests(TokenizerServiceFixture fixture)
{
    private const string TokenizeMethod = "rpc_method=\"/kazgrpc.tokenizer.v1.TokenizerService/Tokenize\"";

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
    public async Task Metrics_Tokenize_AddsOneRequestAndItsTextsAndTokens()
    {
        var before = await ScrapeAsync();
        var response = await fixture.Client.TokenizeAsync(new TokenizeRequest { Tokenizer = "gpt2", Texts = { "metrics", "Сәлем, әлем!" } }, cancellationToken: Token);
        var after = await ScrapeAsync();

        double Rise(string name, params string[] labels) => PrometheusText.Sum(after, name, labels) - PrometheusText.Sum(before, name, labels);
        Assert.Equal(1, Rise("kazgrpc_rpc_server_requests_total", TokenizeMethod, "rpc_grpc_status_code=\"OK\""));
        Assert.Equal(1, Rise("kazgrpc_rpc_server_duration_seconds_count", TokenizeMethod));
        Assert.Equal(2, Rise("kazgrpc_tokenizer_texts_total", "tokenizer=\"gpt2\"", "operation=\"encode\""));
        Assert.Equal(response.Results.Sum(r => r.Ids.Count), Rise("kazgrpc_tokenizer_tokens_total", "tokenizer=\"gpt2\"", "operation=\"encode\""));
    }

    [Fact]
    public async Task Metrics_StreamOpenThenEnded_ActiveStreamsRisesByOneThenFallsBack()
    {
        const string StreamMethod = "rpc_method=\"/kazgrpc.tokenizer.v1.TokenizerService/TokenizeStream\"";
        async Task<double> ActiveAsync() => PrometheusText.Sum(await ScrapeAsync(), "kazgrpc_rpc_server_active_streams", StreamMethod);
        var before = await ActiveAsync();

        using (var stream = fixture.Client.TokenizeStream(cancellationToken: Token))
        {
            await stream.RequestStream.WriteAsync(new TokenizeRequest { Tokenizer = "gpt2", Texts = { "metrics" }, RequestId = "m" }, Token);
            Assert.True(await stream.ResponseStream.MoveNext(Token));
            Assert.Equal(before + 1, await ActiveAsync());
            await stream.RequestStream.CompleteAsync();
            Assert.False(await stream.ResponseStream.MoveNext(Token));
        }

        // The server counts the stream out after the caller has seen its end.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Token);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        while (await ActiveAsync() != before)
        {
            await Task.Delay(20, wait.Token);
        }
    }

    [Fact]
    public async Task Metrics_RuntimeMeter_CountsACollection()
    {
        // The runtime's own meter is exported with the host's: this process's collections show,
        // each under the generation it reached (the runtime may take a forced gen0 further).
        var before = PrometheusText.Sum(await ScrapeAsync(), "dotnet_gc_collections_total");
        GC.Collect(0, GCCollectionMode.Forced, blocking: true);
        var after = PrometheusText.Sum(await ScrapeAsync(), "dotnet_gc_collections_total");
        Assert.True(after >= before + 1, $"collections went from {before} to {after}");
    }

    [Fact]
    public async Task Metrics_TwoHostsInOneProcess_EachExportsOnlyItsOwn()
    {
        // Both hosts run in this process, each with its own meter name (the fixture's setting): an
        // exporter takes every meter of its name, so with one shared name each /metrics would show
        // the other host's calls too.
        await using var second = await TokenizerHost.StartAsync(fixture.ModelsDirectory, Token);
        await second.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(60), Token);
        await new TokenizerService.TokenizerServiceClient(second.Channel).ListTokenizersAsync(new ListTokenizersRequest(), cancellationToken: Token);
        await fixture.Client.TokenizeAsync(new TokenizeRequest { Tokenizer = "gpt2", Texts = { "mine" } }, cancellationToken: Token);

        var secondPage = await PrometheusText.ScrapeAsync(second.MetricsAddress, Token);
        var firstPage = await ScrapeAsync();
        const string List = "rpc_method=\"/kazgrpc.tokenizer.v1.TokenizerService/ListTokenizers\"";
        Assert.Equal(1, PrometheusText.Sum(secondPage, "kazgrpc_rpc_server_requests_total", List));
        Assert.Equal(0, PrometheusText.Sum(secondPage, "kazgrpc_rpc_server_requests_total", TokenizeMethod));
        Assert.True(PrometheusText.Sum(firstPage, "kazgrpc_rpc_server_requests_total", TokenizeMethod) >= 1);
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

        try
        {
            await using var host = await TokenizerHost.StartAsync(models, Token);
            var health = new Health.HealthClient(host.Channel);
            var client = new TokenizerService.TokenizerServiceClient(host.Channel);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest(), cancellationToken: Token)).Status);
            Assert.Equal(HealthCheckResponse.Types.ServingStatus.NotServing,
                (await health.CheckAsync(new HealthCheckRequest { Service = "kazgrpc.tokenizer.v1.TokenizerService" }, cancellationToken: Token)).Status);
            await RpcAssert.ThrowsAsync(StatusCode.Unavailable,
                () => client.ListTokenizersAsync(new ListTokenizersRequest(), cancellationToken: Token).ResponseAsync, "loading");

            await File.WriteAllBytesAsync(fifo, TokenizerModels.Llama3Ranks(), Token);
            await host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(60), Token);
            var names = (await client.ListTokenizersAsync(new ListTokenizersRequest(), cancellationToken: Token)).Tokenizers.Select(t => t.Name);
            Assert.Contains("slow", names);
        }
        finally
        {
            Directory.Delete(models, recursive: true);
        }
    }

    private Task<string> ScrapeAsync() => PrometheusText.ScrapeAsync(fixture.MetricsAddress, Token);
}
