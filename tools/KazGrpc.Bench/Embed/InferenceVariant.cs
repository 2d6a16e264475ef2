namespace KazGrpc.Bench.Embed;

/// <summary>The inference-svc configurations <c>bench embed</c> starts.</summary>
internal enum InferenceVariant
{
    /// <summary>The model under test with the service's batching settings.</summary>
    Served,

    /// <summary>The model under test with <c>DynamicBatching:MaxBatchSize=1</c>.</summary>
    Naive,

    /// <summary>The forged identity encoder, with the service's batching settings.</summary>
    Overhead,
}
