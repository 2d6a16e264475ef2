using KazGrpc.Contracts.Tokenizer.V1;

namespace KazGrpc.Client.Tests;

/// <summary>Holds Tokenize messages until <see cref="Open"/>, and records how many texts each carried, in the order they came.</summary>
internal sealed class TextGate
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<int> _texts = [];

    public IReadOnlyList<int> TextsPerMessage
    {
        get
        {
            lock (_texts)
            {
                return [.. _texts];
            }
        }
    }

    public void Open() => _open.TrySetResult();

    /// <summary>Records <paramref name="request"/>'s texts, then waits until the gate is open.</summary>
    public Task PassAsync(TokenizeRequest request, CancellationToken cancellationToken)
    {
        lock (_texts)
        {
            _texts.Add(request.Texts.Count);
        }

        return _open.Task.WaitAsync(cancellationToken);
    }
}
