using Google.Rpc;
using Grpc.Core;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>Grants on an inference-svc with auth on: a caller reaches only the RPCs and models it is
/// granted, sees only its models, and its request ids are its own.</summary>
[Collection(AuthInferenceGroup.Name)]
public sealed class GrantTests(AuthInferenceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private InferenceService.InferenceServiceClient Portal => fixture.Host.ClientWith($"Bearer {AuthCallers.PortalKey}");

    private InferenceService.InferenceServiceClient Generator => fixture.Host.ClientWith($"Bearer {AuthCallers.GeneratorKey}");

    private static GenerateRequest Generate(string model, uint maxNew = 2, string requestId = "") => new()
    {
        Model = model,
        TokenIds = { 9125, 1618, 7 },
        RequestId = requestId,
        Parameters = new GenerationParameters { MaxNewTokens = maxNew, IgnoreEos = true },
    };

    [Fact]
    public async Task Complete_ModelNotGranted_PermissionDeniedNamingCallerAndModel()
    {
        var error = await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied,
            () => Portal.CompleteAsync(Generate("kaz-tiny"), cancellationToken: Token).ResponseAsync,
            "caller 'egov-portal' has no grant for model 'kaz-tiny'");

        var info = error.GetRpcStatus()?.GetDetail<ErrorInfo>();
        Assert.NotNull(info);
        Assert.Equal(("NO_GRANT", "egov-portal", "kaz-tiny"), (info.Reason, info.Metadata["caller"], info.Metadata["model"]));
    }

    [Fact]
    public async Task Generate_RpcNotGranted_PermissionDeniedNamingTheRpc()
    {
        var embedOnly = fixture.Host.ClientWith($"Bearer {AuthCallers.EmbedOnlyKey}");

        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied,
            async () =>
            {
                using var call = embedOnly.Generate(Generate("kaz-tiny"), cancellationToken: Token);
                await call.ResponseStream.MoveNext(Token);
            },
            "caller 'embed-only' has no grant for RPC kazgrpc.inference.v1.InferenceService/Generate");
        var embedded = await embedOnly.EmbedAsync(new EmbedRequest { Model = "minilm", Inputs = { "Сәлем" } }, cancellationToken: Token);
        Assert.Single(embedded.Embeddings);
    }

    [Fact]
    public async Task ListModels_SomeModelsGranted_ListsThoseOnly()
    {
        var models = await Portal.ListModelsAsync(new ListModelsRequest(), cancellationToken: Token);

        Assert.Equal(["identity", "minilm"], models.Models.Select(m => m.Name).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task GetModel_NotGranted_PermissionDeniedEvenForAModelThatDoesNotExist()
    {
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied,
            () => Portal.GetModelAsync(new GetModelRequest { Name = "kaz-tiny" }, cancellationToken: Token).ResponseAsync,
            "caller 'egov-portal' has no grant for model 'kaz-tiny'");
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied,
            () => Portal.GetModelAsync(new GetModelRequest { Name = "secret-model" }, cancellationToken: Token).ResponseAsync,
            "caller 'egov-portal' has no grant for model 'secret-model'");
    }

    [Fact]
    public async Task Abort_AnotherCallersRequest_NotFoundAndTheSameIdServesBoth()
    {
        var jwt = fixture.Host.ClientWith($"Bearer {TestJwt.Valid(AuthCallers.JwtCaller)}");
        using var held = Generator.Generate(Generate("kaz-tiny", 1500, "shared-id"), cancellationToken: Token);
        Assert.True(await held.ResponseStream.MoveNext(Token));

        // Another caller's request with the same id is not a duplicate, and it cannot stop the first.
        var other = await jwt.CompleteAsync(Generate("kaz-tiny", 2, "shared-id"), cancellationToken: Token);
        await RpcAssert.ThrowsAsync(StatusCode.NotFound,
            async () => await Portal.AbortAsync(new AbortRequest { RequestId = "shared-id" }, cancellationToken: Token), "request 'shared-id' was not found");

        var aborted = await Generator.AbortAsync(new AbortRequest { RequestId = "shared-id" }, cancellationToken: Token);
        Assert.Equal(2, other.TokenIds.Count);
        Assert.True(aborted.WasRunning);
    }
}
