namespace KazGrpc.Tools.Tests;

/// <summary>
/// Sets environment variables that the CLI reads and restores them on dispose. The process has one
/// environment: only tests of a collection that runs alone use it (<see cref="Cli.SecuredTokenizerGroup"/>).
/// </summary>
internal sealed class EnvironmentScope : IDisposable
{
    private readonly Dictionary<string, string?> _saved = [];

    public EnvironmentScope(params (string Name, string? Value)[] variables)
    {
        foreach (var (name, value) in variables)
        {
            _saved[name] = Environment.GetEnvironmentVariable(name);
            Environment.SetEnvironmentVariable(name, value);
        }
    }

    public void Dispose()
    {
        foreach (var (name, value) in _saved)
        {
            Environment.SetEnvironmentVariable(name, value);
        }
    }
}
