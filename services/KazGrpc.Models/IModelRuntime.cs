namespace KazGrpc.Models;

/// <summary>A loaded model that runs on an execution provider: an encoder now, a decoder next. The
/// registry that loaded it disposes it.</summary>
public interface IModelRuntime : IDisposable
{
    /// <summary>The execution provider it runs on (<c>cpu</c> or <c>cuda</c>).</summary>
    string Provider { get; }
}
