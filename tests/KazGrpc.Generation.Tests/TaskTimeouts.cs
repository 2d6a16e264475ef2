namespace KazGrpc.Generation.Tests;

/// <summary>A guard against hangs: waits never pace a test, they only stop a broken one.</summary>
internal static class TaskTimeouts
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static Task WithTimeout(this Task task) => task.WaitAsync(Limit, TestContext.Current.CancellationToken);

    public static Task<T> WithTimeout<T>(this Task<T> task) => task.WaitAsync(Limit, TestContext.Current.CancellationToken);
}
