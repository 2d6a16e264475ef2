using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using KazGrpc.Contracts.Tokenizer.V1;
using KazGrpc.Launcher;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KazGrpc.Client.Tests;

/// <summary><see cref="TokenizerClient"/> against the real tokenizer-svc, and against addresses where none answers.</summary>
[Collection(TokenizerServiceGroup.Name)]
public sealed class TokenizerClientTests(TokenizerServiceFixture fixture)
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ListTokenizersAsync_Serving_ListsBuiltinsAndModelDirectories()
    {
        await using var client = Create(new TokenizerClientOptions { Address = fixture.Address });

        var response = await client.ListTokenizersAsync(Token);

        var byName = response.Tokenizers.ToDictionary(t => t.Name);
        Assert.Equal(["cl100k_base", "gpt2", "llama3-test", "minilm", "o200k_base"], byName.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(TokenizerKind.Wordpiece, byName["minilm"].Kind);
        Assert.Equal(30522u, byName["minilm"].VocabSize);
        Assert.Equal("llama3", byName["llama3-test"].ChatTemplate);
    }

    [Fact]
    public async Task ApplyChatTemplateAsync_Llama3Model_RendersTheConversationWithControlTokens()
    {
        await using var client = Create(new TokenizerClientOptions { Address = fixture.Address });
        var request = new ApplyChatTemplateRequest
        {
            Model = "llama3-test",
            AddGenerationPrompt = true,
            Messages = { new ChatMessage { Role = "user", Content = "Сәлем" } },
        };

        var response = await client.ApplyChatTemplateAsync(request, Token);

        Assert.Equal(
            "<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\nСәлем<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n",
            response.Text);
        const uint Bos = 100256, EndHeader = 100263;
        Assert.Equal(Bos, response.Ids[0]);
        Assert.Equal(EndHeader, response.Ids[^2]);
        Assert.Equal(await fixture.Client.ApplyChatTemplateAsync(request, cancellationToken: Token), response);
    }

    [Fact]
    public async Task TokenizeAsync_NothingListening_UnavailableNamingTheAddressWithinItsRetries()
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Next()}");
        await using var client = Create(new TokenizerClientOptions { Address = address });
        Assert.False(await client.IsServingAsync(Token));

        // Refused connections fail each attempt at once: three attempts and two short backoffs.
        var watch = Stopwatch.StartNew();
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable,
            () => client.TokenizeAsync(new TokenizeRequest { Tokenizer = "minilm", Texts = { "Сәлем" } }, Token),
            $"the tokenizer (tokenizer-svc at {address}) is unreachable");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"UNAVAILABLE took {watch.Elapsed.TotalSeconds:F1} s");
    }

    [Fact]
    public async Task TokenizeAsync_PortAcceptsButNothingAnswers_UnavailableAfterItsAttemptsThenCircuitOpen()
    {
        // A listener that never accepts: the kernel completes the connection, nobody answers, as
        // with a tokenizer-svc that hangs.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var address = new Uri($"http://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");
        await using var client = Create(new TokenizerClientOptions
        {
            Address = address,
            AttemptTimeout = TimeSpan.FromMilliseconds(300),
            MaxRetries = 1,
            BreakerMinimumThroughput = 2,
            BreakerSamplingDuration = TimeSpan.FromMinutes(1),
            BreakerBreakDuration = TimeSpan.FromMinutes(1),
        });
        var request = new TokenizeRequest { Tokenizer = "minilm", Texts = { "Сәлем" } };

        // Two attempts, each abandoned at its timeout, and both failures open the circuit.
        var watch = Stopwatch.StartNew();
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => client.TokenizeAsync(request, Token),
            $"tokenizer-svc at {address}", "no answer within 300 ms");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(6), $"UNAVAILABLE took {watch.Elapsed.TotalSeconds:F1} s");

        // The open circuit answers without trying, until it is closed; then the client tries again.
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => client.TokenizeAsync(request, Token), "the circuit is open");
        await client.CloseCircuitAsync(Token);
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => client.TokenizeAsync(request, Token), "no answer within 300 ms");
    }

    [Fact]
    public async Task AddTokenizerClient_TokenizerSection_ConfigurationOverHostDefaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tokenizer:Address"] = fixture.Address.ToString(),
            ["Tokenizer:MaxTextsPerMessage"] = "8",
        }).Build();
        await using var services = new ServiceCollection()
            .AddTokenizerClient(configuration, o =>
            {
                o.MaxTextsPerMessage = 64;
                o.InlineCompletions = true;
            })
            .BuildServiceProvider();

        var options = services.GetRequiredService<IOptions<TokenizerClientOptions>>().Value;
        Assert.Equal(8, options.MaxTextsPerMessage);
        Assert.True(options.InlineCompletions);
        var client = services.GetRequiredService<TokenizerClient>();
        Assert.Same(client, services.GetRequiredService<TokenizerClient>());
        Assert.Equal(fixture.Address, client.Address);
        Assert.True(await client.IsServingAsync(Token));
    }

    [Fact]
    public async Task AddTokenizerClient_InvalidSetting_StartUpFailsNamingIt()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Tokenizer:Streams"] = "0",
        }).Build();
        await using var services = new ServiceCollection().AddTokenizerClient(configuration).BuildServiceProvider();

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IOptions<TokenizerClientOptions>>().Value);
        Assert.Contains("Streams >= 1", error.Message, StringComparison.Ordinal);
    }

    private static TokenizerClient Create(TokenizerClientOptions options) => new(Options.Create(options), TimeProvider.System);
}
