using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;
using Microsoft.Extensions.Logging;

namespace KazGrpc.InferenceSvc.Tests.Grpc;

[Collection(SharedInferenceGroup.Name)]
public sealed class HostileInputTests(SharedInferenceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryMethod_HostileFrames_RefusedWithTheGuidesCodesOthersServedNoErrorLogged()
    {
        var host = fixture.Host;
        var logged = host.Logs.GetSnapshot().Count;
        using var raw = HostileFrames.CreateClient();

        // A well-behaved caller on its own connection, served all along.
        using var done = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var served = 0;
        var normal = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var response = await host.Client.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Өтініш қабылданды." } }, cancellationToken: Token);
                Assert.Equal(384, response.Embeddings[0].Values.Count);
                served++;
            }
        }, Token);

        foreach (var method in InferenceService.Descriptor.Methods)
        {
            foreach (var input in HostileFrames.All.Where(i => i.Applies(method)))
            {
                var (code, message) = await HostileFrames.SendAsync(raw, host.GrpcAddress, method, input.Body(method), Token);

                var what = $"{method.Name}, {input.Name}: {code} {message}";
                Assert.True(input.Expected is null ? HostileFrames.Allowed.Contains(code) : code == input.Expected, what);
                Assert.True(input.Words is null || message.Contains(input.Words, StringComparison.Ordinal), what);
                Assert.Contains($"/{method.Service.FullName}/{method.Name}", message, StringComparison.Ordinal);
            }
        }

        await done.CancelAsync();
        await normal;
        Assert.True(served > 0, "the normal caller was not served");
        Assert.DoesNotContain(host.Logs.GetSnapshot().Skip(logged), r => r.Level >= LogLevel.Error);
    }

    [Fact]
    public async Task Generate_InvalidUtf8Prompt_InternalNamingTheMethodAndReason()
    {
        using var raw = HostileFrames.CreateClient();
        var method = InferenceService.Descriptor.FindMethodByName("Generate");
        var utf8 = HostileFrames.All.Single(i => i.Name == "invalid UTF-8 string");

        var (code, message) = await HostileFrames.SendAsync(raw, fixture.Host.GrpcAddress, method, utf8.Body(method), Token);

        Assert.Equal(StatusCode.Internal, code);
        Assert.StartsWith("the request message of /kazgrpc.inference.v1.InferenceService/Generate is not valid protobuf: ", message, StringComparison.Ordinal);
        Assert.Contains("UTF-8", message, StringComparison.Ordinal);
    }
}
