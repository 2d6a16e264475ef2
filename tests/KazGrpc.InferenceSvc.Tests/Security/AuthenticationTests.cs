using Grpc.Core;
using Grpc.Health.V1;
using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Security;

/// <summary>Credentials on an inference-svc with auth on: API keys (as a bearer or in <c>x-api-key</c>,
/// revoked by rewriting the callers file while it runs) and JWTs.</summary>
[Collection(AuthInferenceGroup.Name)]
public sealed class AuthenticationTests(AuthInferenceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private InferenceHost Host => fixture.Host;

    private static Task<ListModelsResponse> ListModels(InferenceService.InferenceServiceClient client) =>
        client.ListModelsAsync(new ListModelsRequest(), cancellationToken: Token).ResponseAsync;

    [Fact]
    public async Task Call_NoCredential_Unauthenticated()
    {
        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, () => ListModels(Host.Client),
            "no credential: send an API key as `authorization: Bearer <key>` or `x-api-key: <key>`, or a JWT as `authorization: Bearer <token>`");
    }

    [Fact]
    public async Task Call_WrongKey_UnauthenticatedWithoutTheKey()
    {
        var error = await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, () => ListModels(Host.ClientWith("Bearer kzg_not-a-key")),
            "the API key is not valid (unknown or revoked)");
        Assert.DoesNotContain("kzg_not-a-key", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_KeyAsBearerOrXApiKey_Served()
    {
        var bearer = await ListModels(Host.ClientWith($"Bearer {AuthCallers.GeneratorKey}"));
        var header = await ListModels(Host.ClientWith(AuthCallers.GeneratorKey, "x-api-key"));

        Assert.Equal(3, bearer.Models.Count);
        Assert.Equal(3, header.Models.Count);
    }

    [Fact]
    public async Task Health_NoCredential_OpenByDefault()
    {
        var health = await new Health.HealthClient(Host.Channel).CheckAsync(new HealthCheckRequest(), cancellationToken: Token);

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);
    }

    [Fact]
    public async Task Call_KeyRemovedFromTheFileWhileServing_RefusedFromTheReloadOnAndTheOtherKeyServes()
    {
        var rotated = Host.ClientWith($"Bearer {AuthCallers.PortalRotatedKey}");
        await ListModels(rotated);

        fixture.Callers.Write(AuthCallers.Everyone(withRotatedKey: false), jwt: true);
        try
        {
            var deadline = DateTime.UtcNow.AddSeconds(15);
            RpcException? refused = null;
            while (refused is null && DateTime.UtcNow < deadline)
            {
                try
                {
                    await ListModels(rotated);
                    await Task.Delay(100, Token);
                }
                catch (RpcException ex)
                {
                    refused = ex;
                }
            }

            Assert.NotNull(refused);
            Assert.Equal(StatusCode.Unauthenticated, refused.StatusCode);
            Assert.Equal("the API key is not valid (unknown or revoked)", refused.Status.Detail);
            Assert.Equal(2, (await ListModels(Host.ClientWith($"Bearer {AuthCallers.PortalKey}"))).Models.Count);
        }
        finally
        {
            fixture.Callers.Write(AuthCallers.Everyone(), jwt: true);
        }
    }

    [Fact]
    public async Task Call_ValidJwt_ServedAsItsSubject()
    {
        var models = await ListModels(Host.ClientWith($"Bearer {TestJwt.Valid(AuthCallers.JwtCaller)}"));

        Assert.Equal(3, models.Models.Count);
    }

    [Fact]
    public async Task Call_ExpiredJwt_UnauthenticatedSayingWhen()
    {
        var expires = DateTime.UtcNow.AddMinutes(-10);
        var token = TestJwt.Create(AuthCallers.JwtCaller, expires.AddHours(-1), expires);

        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, () => ListModels(Host.ClientWith($"Bearer {token}")),
            $"the bearer token expired at {expires:yyyy-MM-ddTHH:mm:ss}");
    }

    [Fact]
    public async Task Call_JwtSignedWithAnotherKey_Unauthenticated()
    {
        var token = TestJwt.Create(AuthCallers.JwtCaller, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddHours(1),
            secret: Convert.ToBase64String(new byte[40]));

        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, () => ListModels(Host.ClientWith($"Bearer {token}")),
            "the bearer token's signature does not match a configured key");
    }

    [Fact]
    public async Task Call_JwtOfAnotherAudience_Unauthenticated()
    {
        var token = TestJwt.Create(AuthCallers.JwtCaller, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddHours(1), audience: "someone-else");

        await RpcAssert.ThrowsAsync(StatusCode.Unauthenticated, () => ListModels(Host.ClientWith($"Bearer {token}")),
            "the bearer token's audience is not the configured one");
    }

    [Fact]
    public async Task Call_ValidJwtOfASubjectWithoutEntry_PermissionDenied()
    {
        await RpcAssert.ThrowsAsync(StatusCode.PermissionDenied, () => ListModels(Host.ClientWith($"Bearer {TestJwt.Valid("stranger")}")),
            "caller 'stranger' has no grant for RPC kazgrpc.inference.v1.InferenceService/ListModels");
    }
}
