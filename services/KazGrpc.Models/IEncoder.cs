namespace KazGrpc.Models;

/// <summary>An embedding model's runtime: token ids in, one pooled vector per input out.</summary>
public interface IEncoder : IModelRuntime
{
    /// <summary>Length of each vector (0 until the first run when the model does not declare it).</summary>
    int Dimensions { get; }

    /// <summary>
    /// Embeds a batch: one pooled, not normalised, vector per input, in order. A vector does not
    /// depend on what else is in the batch. Throws <see cref="Core.ExecutionFailedException"/> when
    /// the model fails and <see cref="OperationCanceledException"/> when cancelled.
    /// </summary>
    float[][] Embed(IReadOnlyList<int[]> inputs, CancellationToken cancellationToken);
}
