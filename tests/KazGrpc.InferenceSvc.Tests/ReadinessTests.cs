using Grpc.Core;
using Grpc.Health.V1;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests;

public sealed class ReadinessTests(TokenizerProcessFixture tokenizer)
{
    private const string Model = "minilm-unbounded";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Embed_ExecutionFailure_ModelIsWarmedThroughTheWholePathAgainThenServes()
    {
        // The real MiniLM with a kazgrpc.json that claims more positions than BERT has (512): a long
        // input passes validation and then fails inside ONNX Runtime (position ids out of range).
        using var models = new TempDirectory();
        Directory.CreateDirectory(models.Combine(Model));
        File.CreateSymbolicLink(models.Combine(Model, "model.onnx"), Path.Combine(PreparedModels.MiniLmDirectory, "model.onnx"));
        File.WriteAllText(models.Combine(Model, "kazgrpc.json"), """{"kind":"embedding","tokenizer":"minilm","max_tokens":1024}""");
        await using var host = await InferenceHost.StartAsync(tokenizer.Address, models.Path, Token);
        var client = host.Client;
        Assert.Equal(ModelState.Ready, (await client.GetModelAsync(new GetModelRequest { Name = Model }, cancellationToken: Token)).State);
        var executed = host.ExecutedInputs(Model);

        var error = await Assert.ThrowsAsync<RpcException>(() => client.EmbedAsync(
            new EmbedRequest { Model = Model, Inputs = { string.Join(' ', Enumerable.Repeat("word", 600)) } }, cancellationToken: Token).ResponseAsync);

        Assert.Equal(StatusCode.Internal, error.StatusCode);
        Assert.Contains($"model '{Model}' failed to run a batch of 1 items", error.Status.Detail, StringComparison.Ordinal);

        // Ready again only once one real embedding (the warm-up; the failed input is not counted) has
        // gone through tokenizer-svc, the batcher and the model. That happens at once, so the
        // Loading state in between is not asserted.
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Token);
        wait.CancelAfter(TimeSpan.FromSeconds(60));
        while ((await client.GetModelAsync(new GetModelRequest { Name = Model }, cancellationToken: wait.Token)).State != ModelState.Ready)
        {
            await Task.Delay(50, wait.Token);
        }

        Assert.Equal(executed + 1, host.ExecutedInputs(Model));
        await host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(30), Token);
        var embedded = await client.EmbedAsync(new EmbedRequest { Model = Model, Inputs = { "back in service" } }, cancellationToken: Token);
        Assert.Single(embedded.Embeddings);
        Assert.Equal(384, embedded.Embeddings[0].Values.Count);
    }
}
