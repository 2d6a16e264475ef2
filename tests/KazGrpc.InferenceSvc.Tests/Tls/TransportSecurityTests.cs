using System.Net;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Health.V1;
using KazGrpc.Client;
using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Tls;
using Microsoft.Extensions.Logging;

namespace KazGrpc.InferenceSvc.Tests.Tls;

/// <summary>
/// Callers and the inference-svc -> tokenizer-svc hop under mutual TLS, with real services and real
/// handshakes: who is refused and what they and the server's log see, who is served, the hop's
/// recovery after tokenizer-svc restarts, and a server certificate replaced while serving.
/// </summary>
public sealed class TransportSecurityTests(MutualTlsFixture tls, ITestOutputHelper output) : IClassFixture<MutualTlsFixture>
{
    private const string Refused = "TLS handshake from";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Call_NoClientCertificate_UnavailableSayingSoAndTheServerLogsEachRefusalOnceAtDebug()
    {
        using var client = tls.Client(new ClientTlsOptions { CaPath = tls.CaPath });
        tls.Inference.Logs.Clear();

        var error = await RpcAssert.ThrowsAsync(
            StatusCode.Unavailable,
            () => client.ListModelsAsync(Token),
            $"{tls.Inference.GrpcAddress.Authority} closed the connection right after the TLS handshake, as a server that requires client certificates does when it refuses one; "
            + "this client presented none (KazGrpc:Tls:CertificatePath is empty)");

        output.WriteLine(error.Status.Detail);
        AssertRefusals("no client certificate was presented");
    }

    [Fact]
    public async Task Call_ClientCertificateOfAnotherCa_UnavailableNamingItAndTheRefusalNamesTheClientCaSetting()
    {
        using var stranger = tls.OtherCa.IssueClient("stranger");
        var files = tls.Write(stranger, "stranger");
        using var client = tls.Client(new ClientTlsOptions { CaPath = tls.CaPath, CertificatePath = files.Certificate, KeyPath = files.Key });
        tls.Inference.Logs.Clear();

        var error = await RpcAssert.ThrowsAsync(
            StatusCode.Unavailable,
            () => client.ListModelsAsync(Token),
            $"closed the connection right after the TLS handshake, as a server that requires client certificates does when it refuses one; this client presented {PemFiles.Describe(stranger)} from KazGrpc:Tls:CertificatePath ({files.Certificate})");

        output.WriteLine(error.Status.Detail);
        AssertRefusals($"the client's certificate {PemFiles.Describe(stranger)} is not issued by a CA in Hosting:Tls:ClientCaPath ({tls.CaPath})");
    }

    [Fact]
    public async Task Call_ExpiredClientCertificate_UnavailableAndTheRefusalSaysWhenItExpired()
    {
        using var expired = tls.Ca.IssueClient("caller", DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));
        var files = tls.Write(expired, "expired");
        using var client = tls.Client(new ClientTlsOptions { CaPath = tls.CaPath, CertificatePath = files.Certificate, KeyPath = files.Key });
        tls.Inference.Logs.Clear();

        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => client.ListModelsAsync(Token), $"this client presented {PemFiles.Describe(expired)}");

        AssertRefusals($"the client's certificate {PemFiles.Describe(expired)} expired on {expired.NotAfter.ToUniversalTime():u}");
    }

    [Fact]
    public async Task Call_ServerCertificateOfAnUntrustedCa_UnavailableNamingTheCaSetting()
    {
        using var client = tls.Client(new ClientTlsOptions { CaPath = tls.OtherCaPath, CertificatePath = tls.CallerFiles.Certificate, KeyPath = tls.CallerFiles.Key });

        var error = await RpcAssert.ThrowsAsync(
            StatusCode.Unavailable,
            () => client.ListModelsAsync(Token),
            "TLS handshake refused: the server's certificate 'CN=inference-svc'",
            $"is not issued by a CA in KazGrpc:Tls:CaPath ({tls.OtherCaPath})");
        output.WriteLine(error.Status.Detail);
    }

    [Fact]
    public async Task Call_ValidClientCertificate_EmbedsAndGeneratesThroughTheMutualTlsHop()
    {
        using var client = tls.Client(new ClientTlsOptions { CaPath = tls.CaPath, CertificatePath = tls.CallerFiles.Certificate, KeyPath = tls.CallerFiles.Key });

        var embedded = await client.EmbedAsync("minilm", ["Өтініш қабылданды.", "Заявление принято."], Token);
        var responses = new List<GenerateResponse>();
        await foreach (var response in client.GenerateAsync("kaz-tiny", "Қазақстан Республикасы", new GenerationParameters { MaxNewTokens = 8, IgnoreEos = true }, Token))
        {
            responses.Add(response);
        }

        var tokenized = await client.TokenizeAsync("o200k_base", ["Сәлем, әлем!"], Token);

        Assert.Equal(2, embedded.Embeddings.Count);
        Assert.Equal(384, embedded.Embeddings[0].Values.Count);
        Assert.Equal(FinishReason.Length, responses[^1].Final.FinishReason);
        Assert.Equal(8u, responses[^1].Final.Usage.CompletionTokens);
        Assert.NotEmpty(string.Concat(responses[..^1].Select(r => r.Chunk.Text)));
        Assert.NotEmpty(tokenized.Results[0].Ids);
    }

    [Fact]
    public async Task HttpApi_ClientCertificate_ServedOverTlsAndRefusedWithout()
    {
        var address = tls.Inference.HttpAddress;
        Assert.Equal("https", address.Scheme);
        using var served = new HttpClient(TestTlsChannel.Handler(tls.Ca.Certificate, tls.Caller)) { BaseAddress = address };
        using var refused = new HttpClient(TestTlsChannel.Handler(tls.Ca.Certificate)) { BaseAddress = address };

        using var models = await served.GetAsync(new Uri("/v1/models", UriKind.Relative), Token);
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => refused.GetAsync(new Uri("/v1/models", UriKind.Relative), Token));

        Assert.Equal(HttpStatusCode.OK, models.StatusCode);
        Assert.Contains("kaz-tiny", await models.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
        output.WriteLine(error.ToString());
    }

    [Fact]
    public async Task Metrics_TlsOnTheOtherPorts_StaysCleartextByDefault()
    {
        Assert.Equal("http", tls.Inference.MetricsAddress.Scheme);
        using var metrics = new HttpClient { BaseAddress = tls.Inference.MetricsAddress };

        var page = await metrics.GetStringAsync(new Uri("/metrics", UriKind.Relative), Token);

        Assert.Contains("kazgrpc_", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hop_TokenizerRestarted_NotServingThenRecoversOverMutualTls()
    {
        using var client = tls.Client(new ClientTlsOptions { CaPath = tls.CaPath, CertificatePath = tls.CallerFiles.Certificate, KeyPath = tls.CallerFiles.Key });
        Assert.Single((await client.EmbedAsync("minilm", ["Сәлем"], Token)).Embeddings);

        await tls.Tokenizer.StopAsync();
        await tls.Inference.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.NotServing, TimeSpan.FromSeconds(10), Token);
        await RpcAssert.ThrowsAsync(StatusCode.Unavailable, () => client.EmbedAsync("minilm", ["Сәлем"], Token), "the tokenizer (tokenizer-svc at https://127.0.0.1:");

        await tls.Tokenizer.StartAsync(Token);
        await tls.Inference.WaitForHealthAsync(HealthCheckResponse.Types.ServingStatus.Serving, TimeSpan.FromSeconds(30), Token);
        Assert.Single((await client.EmbedAsync("minilm", ["Сәлем"], Token)).Embeddings);
        var completed = await client.CompleteAsync(
            new GenerateRequest { Model = "kaz-tiny", Prompt = "Сәлем", Parameters = new GenerationParameters { MaxNewTokens = 4, IgnoreEos = true } }, Token);
        Assert.Equal(4, completed.TokenIds.Count);
    }

    [Fact]
    public async Task ServerCertificate_FilesReplaced_NewConnectionsSeeTheNewCertificateWithoutARestart()
    {
        var seen = new List<X509Certificate2>();
        using (var before = tls.Channel(tls.Caller, seen.Add))
        {
            await new Health.HealthClient(before).CheckAsync(new HealthCheckRequest(), cancellationToken: Token);
        }

        var old = Assert.Single(seen);
        using var renewed = tls.Ca.IssueServer("inference-svc", ["localhost", "inference-svc"]);
        using var open = tls.Channel(tls.Caller);
        await new Health.HealthClient(open).CheckAsync(new HealthCheckRequest(), cancellationToken: Token);

        TestCertificateAuthority.WritePem(renewed, Path.GetDirectoryName(tls.InferenceServer.Certificate)!, "inference-svc");

        using var wait = CancellationTokenSource.CreateLinkedTokenSource(Token);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        string? serial = null;
        while (serial != renewed.SerialNumber)
        {
            await Task.Delay(100, wait.Token);
            seen.Clear();
            using var fresh = tls.Channel(tls.Caller, seen.Add);
            await new Health.HealthClient(fresh).CheckAsync(new HealthCheckRequest(), cancellationToken: wait.Token);
            serial = Assert.Single(seen).SerialNumber;
        }

        Assert.NotEqual(old.SerialNumber, renewed.SerialNumber);
        var reloaded = Assert.Single(tls.Inference.Logs.GetSnapshot(), r => r.Message.StartsWith("TLS certificate reloaded from Hosting:Tls:CertificatePath", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, reloaded.Level);
        Assert.Contains($"serial {renewed.SerialNumber}", reloaded.Message, StringComparison.Ordinal);

        // The connection opened before the change keeps serving.
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(open).CheckAsync(new HealthCheckRequest(), cancellationToken: Token)).Status);
    }

    /// <summary>
    /// Asserts that the server logged each refused handshake (the HTTP stack may try a refused
    /// connection more than once for one call) in one Debug line with <paramref name="reason"/> and
    /// no stack trace, and that Kestrel added none of its own.
    /// </summary>
    private void AssertRefusals(string reason)
    {
        var logs = tls.Inference.Logs.GetSnapshot();
        var refusals = logs.Where(r => r.Message.StartsWith(Refused, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(refusals);
        Assert.All(refusals, r =>
        {
            Assert.Equal(LogLevel.Debug, r.Level);
            Assert.Null(r.Exception);
            Assert.EndsWith($"refused: {reason}", r.Message, StringComparison.Ordinal);
        });
        Assert.Equal(refusals.Count, refusals.Select(r => r.Message[..r.Message.IndexOf(" refused:", StringComparison.Ordinal)]).Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(logs, r => r.Category?.StartsWith("Microsoft.AspNetCore.Server.Kestrel", StringComparison.Ordinal) == true);
    }
}
