using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;

namespace KazGrpc.TokenizerSvc.Testing;

/// <summary>The real tokenizer-svc (<see cref="TokenizerApp.Build"/>) started in this process on loopback.</summary>
public static class TokenizerHost
{
    /// <summary>
    /// Starts a tokenizer-svc over <paramref name="modelsDirectory"/>; it is listening on return and
    /// may still be loading its tokenizers (NOT_SERVING until they are loaded).
    /// </summary>
    public static Task<LoopbackHost> StartAsync(string modelsDirectory, CancellationToken cancellationToken) =>
        StartAsync(modelsDirectory, [], cancellationToken);

    /// <summary>
    /// Starts a tokenizer-svc over <paramref name="modelsDirectory"/> with <paramref name="settings"/>
    /// (<c>--Section:Key=value</c>, e.g. a fixed <c>--Hosting:GrpcAddress</c> to restart it on the same port).
    /// </summary>
    public static Task<LoopbackHost> StartAsync(string modelsDirectory, IEnumerable<string> settings, CancellationToken cancellationToken) =>
        StartAsync(modelsDirectory, settings, openChannel: null, cancellationToken);

    /// <summary>
    /// Starts a tokenizer-svc as above whose <see cref="LoopbackHost.Channel"/> <paramref name="openChannel"/>
    /// opens, for settings that turn TLS on (<c>--Hosting:Tls:...</c>); <paramref name="configure"/> may
    /// add to its builder (a test's log collector).
    /// </summary>
    public static Task<LoopbackHost> StartAsync(
        string modelsDirectory, IEnumerable<string> settings, Func<Uri, GrpcChannel>? openChannel, CancellationToken cancellationToken,
        Action<WebApplicationBuilder>? configure = null) =>
        LoopbackHost.StartAsync(
            args => TokenizerApp.Build(args, configure),
            [$"--Tokenization:ModelsDirectory={modelsDirectory}", "--Logging:LogLevel:Default=Warning", .. settings],
            cancellationToken,
            openChannel);
}
