using Google.Protobuf.Reflection;
using Grpc.Core;
using Grpc.Net.Client.Configuration;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client.Tests.Callers;

/// <summary>
/// Which RPCs the callers' client retries. The service config names methods by string, and a name
/// that matches no method is silently never retried, so the names are checked against the
/// contract; every RPC is either retried or named here as not (a new RPC must be classified).
/// </summary>
public sealed class KazGrpcClientRetryTests
{
    [Fact]
    public void InferenceRetryConfig_Defaults_RetriesEveryIdempotentRpcButNotGenerateOrComplete()
    {
        var config = KazGrpcClient.InferenceRetryConfig(new KazGrpcClientOptions());

        AssertRetried(config, InferenceService.Descriptor, notRetried: ["Generate", "Complete"]);
    }

    [Fact]
    public void TokenizerRetryConfig_Defaults_RetriesEveryUnaryRpcButNotTheStreams()
    {
        var config = KazGrpcClient.TokenizerRetryConfig(new KazGrpcClientOptions());

        AssertRetried(config, TokenizerService.Descriptor, notRetried: ["TokenizeStream", "DetokenizeStream"]);
    }

    [Fact]
    public void RetryConfig_OneAttempt_RetriesNothing()
    {
        var options = new KazGrpcClientOptions { MaxAttempts = 1 };

        Assert.Empty(KazGrpcClient.InferenceRetryConfig(options).MethodConfigs);
        Assert.Empty(KazGrpcClient.TokenizerRetryConfig(options).MethodConfigs);
    }

    private static void AssertRetried(ServiceConfig config, ServiceDescriptor service, string[] notRetried)
    {
        Assert.All(notRetried, name => Assert.NotNull(service.FindMethodByName(name)));
        var method = Assert.Single(config.MethodConfigs);
        Assert.All(method.Names, name => Assert.Equal(service.FullName, name.Service));
        Assert.Equal(
            service.Methods.Select(m => m.Name).Except(notRetried).Order(StringComparer.Ordinal),
            method.Names.Select(n => n.Method).Order(StringComparer.Ordinal));
        Assert.Equal((5, TimeSpan.FromMilliseconds(200)), (method.RetryPolicy!.MaxAttempts, method.RetryPolicy.InitialBackoff));
        Assert.Equal([StatusCode.Unavailable], method.RetryPolicy.RetryableStatusCodes);
    }
}
