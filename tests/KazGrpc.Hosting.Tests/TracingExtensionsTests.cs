using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;

namespace KazGrpc.Hosting.Tests;

public sealed class TracingExtensionsTests
{
    [Fact]
    public async Task AddKazGrpcTracing_NoOtlpEndpoint_NoTracerProvider()
    {
        await using var app = Build();

        Assert.Null(app.Services.GetService<TracerProvider>());
        Assert.NotNull(app.Services.GetRequiredService<ServerTracing>().Source);
    }

    [Fact]
    public async Task AddKazGrpcTracing_OtlpEndpoint_TracerProviderOnTheServicesSource()
    {
        await using var app = Build($"--{TracingExtensions.OtlpEndpointVariable}=http://127.0.0.1:1");

        Assert.NotNull(app.Services.GetService<TracerProvider>());
        using var span = app.Services.GetRequiredService<ServerTracing>().Source.StartActivity("probe");
        Assert.NotNull(span);
        Assert.True(span.Recorded);
    }

    private static WebApplication Build(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.AddKazGrpcTracing("hosting-tests");
        return builder.Build();
    }
}
