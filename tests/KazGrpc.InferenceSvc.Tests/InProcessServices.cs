using Grpc.Health.V1;
using KazGrpc.TokenizerSvc.Testing;
using Microsoft.AspNetCore.Builder;

namespace KazGrpc.InferenceSvc.Tests;

/// <summary>
/// tokenizer-svc and an inference-svc calling it, both in this process, so that one activity
/// listener or one test's log collectors see both ends of the hop.
/// </summary>
public sealed class InProcessServices : IAsyncDisposable
{
    private InProcessServices(LoopbackHost tokenizer, InferenceHost inference)
    {
        Tokenizer = tokenizer;
        Inference = inference;
    }

    public LoopbackHost Tokenizer { get; }

    public InferenceHost Inference { get; }

    /// <summary>Starts both over <paramref name="modelsDirectory"/>, each with <paramref name="settings"/>;
    /// <paramref name="configureTokenizer"/> may add to tokenizer-svc's builder (a log collector).</summary>
    public static async Task<InProcessServices> StartAsync(
        string modelsDirectory, IReadOnlyList<string> settings, Action<WebApplicationBuilder>? configureTokenizer, CancellationToken cancellationToken)
    {
        var tokenizer = await TokenizerHost.StartAsync(modelsDirectory, settings, openChannel: null, cancellationToken, configureTokenizer);
        try
        {
            await tokenizer.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(60), cancellationToken);
            return new InProcessServices(tokenizer, await InferenceHost.StartAsync(tokenizer.GrpcAddress, modelsDirectory, cancellationToken, [.. settings]));
        }
        catch
        {
            await tokenizer.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Inference.DisposeAsync();
        await Tokenizer.DisposeAsync();
    }
}
