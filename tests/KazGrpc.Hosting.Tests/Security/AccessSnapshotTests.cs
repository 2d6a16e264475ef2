using KazGrpc.Hosting.Security;

namespace KazGrpc.Hosting.Tests.Security;

public sealed class AccessSnapshotTests
{
    private const string Key = "kzg_test-key";

    private static AuthOptions Options(CallerOptions caller) => new() { Callers = { ["egov-portal"] = caller } };

    [Fact]
    public void ApiKeyHash_Of_IsTheSha256HexOfTheUtf8Key()
    {
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", ApiKeyHash.Of("abc"));
    }

    [Fact]
    public void NewKey_Random_PrefixedWithoutDotsAndLongEnough()
    {
        var key = ApiKeyHash.NewKey();

        Assert.StartsWith(ApiKeyHash.KeyPrefix, key, StringComparison.Ordinal);
        Assert.DoesNotContain('.', key);
        Assert.Equal(4 + 43, key.Length);
        Assert.NotEqual(key, ApiKeyHash.NewKey());
    }

    [Fact]
    public void From_KeyInsteadOfItsDigest_NamesTheSettingAndNotTheValue()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AccessSnapshot.From(Options(new CallerOptions { ApiKeys = { Key } })));

        Assert.StartsWith("Auth:Callers:egov-portal:ApiKeys:0 must be the SHA-256 of the key as 64 hex digits", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_OneKeyForTwoCallers_Refused()
    {
        var options = Options(new CallerOptions { ApiKeys = { ApiKeyHash.Of(Key) } });
        options.Callers["e-otinish"] = new CallerOptions { ApiKeys = { ApiKeyHash.Of(Key).ToUpperInvariant() } };

        var error = Assert.Throws<InvalidOperationException>(() => AccessSnapshot.From(options));

        Assert.Contains("is also a key of caller", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_Grants_GroupsServicesMethodsAndModels()
    {
        var options = Options(new CallerOptions
        {
            ApiKeys = { ApiKeyHash.Of(Key) },
            Rpcs = { "embed", "reading", "kazgrpc.tokenizer.v1.TokenizerService/*" },
            Models = { "minilm" },
        });
        options.RpcGroups["reading"] = ["kazgrpc.inference.v1.InferenceService/GetModel"];

        var caller = AccessSnapshot.From(options).ByKey[ApiKeyHash.Of(Key)];

        Assert.True(caller.Grants.HasRpc("kazgrpc.inference.v1.InferenceService/Embed"));
        Assert.True(caller.Grants.HasRpc("kazgrpc.inference.v1.InferenceService/GetModel"));
        Assert.True(caller.Grants.HasRpc("kazgrpc.tokenizer.v1.TokenizerService/TokenizeStream"));
        Assert.False(caller.Grants.HasRpc("kazgrpc.inference.v1.InferenceService/Generate"));
        Assert.True(caller.Grants.HasModel("minilm"));
        Assert.False(caller.Grants.HasModel("kaz-tiny"));
    }

    [Fact]
    public void From_UnknownGroup_ListsTheGroups()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AccessSnapshot.From(Options(new CallerOptions { Rpcs = { "everything" } })));

        Assert.Equal(
            "Auth:Callers:egov-portal:Rpcs:0 must be *, package.Service/*, package.Service/Method or a group (embed, generate, inference, models, tokenize); got 'everything'",
            error.Message);
    }

    [Fact]
    public void From_QuotasUnset_TheDefaultsOrUnlimited()
    {
        var options = Options(new CallerOptions { Quotas = { MaxConcurrentStreams = 0, PromptTokensPerMinute = 500 } });
        options.DefaultQuotas.MaxConcurrentRequests = 8;
        options.DefaultQuotas.MaxConcurrentStreams = 4;

        var snapshot = AccessSnapshot.From(options);

        Assert.Equal(new QuotaLimits(8, 0, 500, 0), snapshot.ById["egov-portal"].Quotas);
        Assert.Equal(new QuotaLimits(8, 4, 0, 0), snapshot.Find("jwt-subject").Quotas);
        Assert.False(snapshot.Find("jwt-subject").Grants.HasRpc("kazgrpc.inference.v1.InferenceService/ListModels"));
    }

    [Fact]
    public void From_StreamMessagesPerSecond_TheCallersOverTheDefault()
    {
        var options = Options(new CallerOptions { Quotas = { StreamMessagesPerSecond = 50 } });
        options.DefaultQuotas.StreamMessagesPerSecond = 10;

        var snapshot = AccessSnapshot.From(options);

        Assert.Equal(50, snapshot.ById["egov-portal"].Quotas.StreamMessagesPerSecond);
        Assert.Equal(10, snapshot.Find("jwt-subject").Quotas.StreamMessagesPerSecond);
    }

    [Fact]
    public void From_NegativeStreamMessagesPerSecond_NamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => AccessSnapshot.From(Options(new CallerOptions { Quotas = { StreamMessagesPerSecond = -1 } })));

        Assert.StartsWith("Auth:Callers:egov-portal:Quotas: every limit must be >= 0 (0 is unlimited); got ", error.Message, StringComparison.Ordinal);
        Assert.Contains("StreamMessagesPerSecond = -1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_JwtKeysWithoutIssuer_Refused()
    {
        var options = new AuthOptions { Jwt = { SigningKeys = { Convert.ToBase64String(new byte[32]) } } };

        var error = Assert.Throws<InvalidOperationException>(() => AccessSnapshot.From(options));

        Assert.Equal("Auth:Jwt:Issuer and Auth:Jwt:Audience are required when Auth:Jwt:SigningKeys has keys", error.Message);
    }

    [Theory]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all")]
    [InlineData("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")]
    public void From_SigningKeyNeitherPemNorLongSecret_NamesTheSetting(string key)
    {
        var options = new AuthOptions { Jwt = { SigningKeys = { key }, Issuer = "i", Audience = "a" } };

        var error = Assert.Throws<InvalidOperationException>(() => AccessSnapshot.From(options));

        Assert.StartsWith("Auth:Jwt:SigningKeys:0 must be a PEM public key (RSA or EC) or a base64 HMAC secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_RsaPublicKeyPem_Accepted()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        var options = new AuthOptions { Jwt = { SigningKeys = { rsa.ExportSubjectPublicKeyInfoPem() }, Issuer = "i", Audience = "a" } };

        Assert.True(AccessSnapshot.From(options).Jwt.Enabled);
    }
}
