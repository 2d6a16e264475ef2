using Grpc.Health.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace KazGrpc.TokenizerSvc.Tests.Grpc;

/// <summary>
/// A tokenizer-svc with limits small enough to reach in a test (<see cref="MaxStreamsPerConnection"/>
/// streams per HTTP/2 connection, <see cref="MaxSequencesPerStream"/> open sequences per
/// DetokenizeStream), and a route, <see cref="HoldPath"/>, whose calls end only when
/// <see cref="Release"/> is called: a handler that is slow to notice its caller's reset, which is
/// what Kestrel's rapid-reset defence counts.
/// </summary>
public sealed class SmallLimitsFixture : IAsyncLifetime
{
    public const int MaxStreamsPerConnection = 100;

    public const int MaxSequencesPerStream = 2;

    public const string HoldPath = "/kazgrpc.test.Hold/Hold";

    private readonly TempDirectory _models = new();
    private readonly TaskCompletionSource _hold = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private LoopbackHost? _host;

    public LoopbackHost Host => _host ?? throw new InvalidOperationException("the fixture has not started");

    /// <summary>Ends every call held on <see cref="HoldPath"/>, and those that come later at once.</summary>
    public void Release() => _hold.TrySetResult();

    public async ValueTask InitializeAsync()
    {
        _host = await LoopbackHost.StartAsync(
            args => TokenizerApp.Build(args, builder => builder.Services.AddSingleton<IStartupFilter>(new HoldRoute(_hold.Task))),
            [
                $"--Tokenization:ModelsDirectory={_models.Path}",
                "--Logging:LogLevel:Default=Warning",
                $"--Hosting:MaxStreamsPerConnection={MaxStreamsPerConnection}",
                $"--Tokenization:MaxSequencesPerStream={MaxSequencesPerStream}",
            ],
            TestContext.Current.CancellationToken);
        await _host.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        // Held calls would keep the host's shutdown waiting.
        Release();
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        _models.Dispose();
    }

    /// <summary>Puts the held route in front of the host's own pipeline.</summary>
    private sealed class HoldRoute(Task released) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, rest) =>
            {
                if (context.Request.Path == HoldPath)
                {
                    // Deliberately deaf to context.RequestAborted.
                    await released;
                    return;
                }

                await rest(context);
            });
            next(app);
        };
    }
}
