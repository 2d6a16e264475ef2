using Grpc.Core;
using Grpc.Health.V1;
using KazGrpc.Contracts.Tokenizer.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace KazGrpc.TokenizerSvc.Tests.Grpc;

[Collection(TokenizerServiceGroup.Name)]
public sealed class HostileInputTests(TokenizerServiceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryMethod_HostileFrames_RefusedWithTheGuidesCodesOthersServedNoErrorLogged()
    {
        await using var host = await LoopbackHost.StartAsync(
            args => TokenizerApp.Build(args, builder => builder.Logging.AddFakeLogging()),
            [$"--Tokenization:ModelsDirectory={fixture.ModelsDirectory}", "--Logging:LogLevel:Default=Warning", "--Logging:LogLevel:KazGrpc.Hosting.ErrorInterceptor=Debug"],
            Token);
        await host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(60), Token);
        var logs = host.App.Services.GetRequiredService<FakeLogCollector>();
        var client = new TokenizerService.TokenizerServiceClient(host.Channel);
        using var raw = HostileFrames.CreateClient();

        // A well-behaved caller on its own connection, served all along.
        using var done = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var served = 0;
        var normal = Task.Run(async () =>
        {
            while (!done.IsCancellationRequested)
            {
                var response = await client.TokenizeAsync(new TokenizeRequest { Tokenizer = "gpt2", Texts = { "Сәлем, әлем!" } }, cancellationToken: Token);
                Assert.NotEmpty(response.Results[0].Ids);
                served++;
            }
        }, Token);

        foreach (var method in TokenizerService.Descriptor.Methods)
        {
            foreach (var input in HostileFrames.All.Where(i => i.Applies(method)))
            {
                var path = $"/{method.Service.FullName}/{method.Name}";
                logs.Clear();
                var (code, message) = await HostileFrames.SendAsync(raw, host.GrpcAddress, method, input.Body(method), Token);

                var what = $"{method.Name}, {input.Name}: {code} {message}";
                Assert.True(input.Expected is null ? HostileFrames.Allowed.Contains(code) : code == input.Expected, what);
                Assert.True(input.Words is null || message.Contains(input.Words, StringComparison.Ordinal), what);
                Assert.Contains(path, message, StringComparison.Ordinal);
                var line = Assert.Single(logs.GetSnapshot(), r => r.Message.Contains(path, StringComparison.Ordinal));
                Assert.Equal(LogLevel.Debug, line.Level);
                Assert.Null(line.Exception);

                Assert.DoesNotContain(logs.GetSnapshot(), r => r.Level >= LogLevel.Error);
            }
        }

        await done.CancelAsync();
        await normal;
        Assert.True(served > 0, "the normal caller was not served");
    }

    [Fact]
    public async Task Tokenize_GarbageMessage_InternalNamingTheMethodAndReason()
    {
        using var raw = HostileFrames.CreateClient();
        var method = TokenizerService.Descriptor.FindMethodByName("Tokenize");

        var (code, message) = await HostileFrames.SendAsync(raw, fixture.Address, method, HostileFrames.All[0].Body(method), Token);

        Assert.Equal(StatusCode.Internal, code);
        Assert.StartsWith("the request message of /kazgrpc.tokenizer.v1.TokenizerService/Tokenize is not valid protobuf: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenizeStream_LengthBomb_ResourceExhaustedNamingTheLimit()
    {
        using var raw = HostileFrames.CreateClient();
        var method = TokenizerService.Descriptor.FindMethodByName("TokenizeStream");
        var bomb = HostileFrames.All.Single(i => i.Name == "length bomb 0xffffffff");

        var (code, message) = await HostileFrames.SendAsync(raw, fixture.Address, method, bomb.Body(method), Token);

        Assert.Equal(StatusCode.ResourceExhausted, code);
        Assert.Equal("the request message of /kazgrpc.tokenizer.v1.TokenizerService/TokenizeStream declares 4294967295 bytes; the limit is 16777216", message);
    }
}
