namespace KazGrpc.Batching.Tests;

/// <summary>One batch held by <see cref="FakeExecutor"/> until the test completes it.</summary>
internal sealed class ExecutorCall(string[] items, CancellationToken token)
{
    private readonly TaskCompletionSource<IReadOnlyList<string>> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string[] Items { get; } = items;

    public CancellationToken Token { get; } = token;

    public Task<IReadOnlyList<string>> Task => _completion.Task;

    public void Succeed() => _completion.TrySetResult([.. Items.Select(i => "r:" + i)]);

    public void Return(IReadOnlyList<string> results) => _completion.TrySetResult(results);

    public void Fail(Exception error) => _completion.TrySetException(error);
}
