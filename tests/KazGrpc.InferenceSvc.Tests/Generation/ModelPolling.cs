using KazGrpc.Contracts.Inference.V1;

namespace KazGrpc.InferenceSvc.Tests.Generation;

/// <summary>Reads a generation model's state through GetModel until a condition holds (engines free
/// a slot at their next step, after the call that used it has ended).</summary>
internal static class ModelPolling
{
    /// <summary>GetModel until <paramref name="condition"/> holds or 10 s pass; returns the last answer.</summary>
    public static async Task<ModelInfo> WaitForAsync(
        InferenceService.InferenceServiceClient client, string model, Func<ModelInfo, bool> condition, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (true)
        {
            var info = await client.GetModelAsync(new GetModelRequest { Name = model }, cancellationToken: cancellationToken);
            if (condition(info) || DateTime.UtcNow >= deadline)
            {
                return info;
            }

            await Task.Delay(20, cancellationToken);
        }
    }

    /// <summary>GetModel until no request runs and the KV cache is empty (or 10 s pass).</summary>
    public static Task<ModelInfo> WaitUntilIdleAsync(InferenceService.InferenceServiceClient client, string model, CancellationToken cancellationToken) =>
        WaitForAsync(client, model, m => m.RunningRequests == 0 && m.KvCacheUsage == 0, cancellationToken);
}
