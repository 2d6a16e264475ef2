namespace KazGrpc.TokenizerSvc.Testing;

/// <summary>The real tokenizer-svc (<see cref="TokenizerApp.Build"/>) started in this process on loopback.</summary>
public static class TokenizerHost
{
    /// <summary>
    /// Starts a tokenizer-svc over <paramref name="modelsDirectory"/>; it is listening on return and
    /// may still be loading its tokenizers (NOT_SERVING until they are loaded).
    /// </summary>
    public static Task<LoopbackHost> StartAsync(string modelsDirectory, CancellationToken cancellationToken) =>
        LoopbackHost.StartAsync(
            args => TokenizerApp.Build(args),
            [$"--Tokenization:ModelsDirectory={modelsDirectory}", "--Logging:LogLevel:Default=Warning"],
            cancellationToken);
}
