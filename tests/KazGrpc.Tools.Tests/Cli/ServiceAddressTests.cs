using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Tests.Cli;

public sealed class ServiceAddressTests
{
    [Theory]
    [InlineData("127.0.0.1:50051", "http://127.0.0.1:50051/")]
    [InlineData("inference-svc:50051", "http://inference-svc:50051/")]
    [InlineData("http://127.0.0.1:50052", "http://127.0.0.1:50052/")]
    [InlineData("http://127.0.0.1:50052/", "http://127.0.0.1:50052/")]
    [InlineData("https://kazgrpc.example.kz", "https://kazgrpc.example.kz/")]
    [InlineData("[::1]:50051", "http://[::1]:50051/")]
    public void TryParse_HostPortOrHttpUri_Accepted(string text, string uri)
    {
        Assert.True(ServiceAddress.TryParse(text, out var address));
        Assert.Equal(uri, address.Uri.ToString());
        Assert.Equal(text, address.Text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1:port")]
    [InlineData("ftp://127.0.0.1:21")]
    [InlineData("http://127.0.0.1:50051/kazgrpc")]
    [InlineData("http://user@127.0.0.1:50051")]
    public void TryParse_Malformed_Refused(string text)
    {
        Assert.False(ServiceAddress.TryParse(text, out _));
    }

    [Theory]
    [InlineData("https://127.0.0.1:50051", true)]
    [InlineData("http://127.0.0.1:50051", false)]
    [InlineData("127.0.0.1:443", false)]
    public void UsesTls_HttpsAddressesOnly(string text, bool tls)
    {
        Assert.True(ServiceAddress.TryParse(text, out var address));
        Assert.Equal(tls, address.UsesTls);
    }

    [Fact]
    public void Describe_WithAndWithoutSource_NamesWhatGaveIt()
    {
        Assert.True(ServiceAddress.TryParse("10.0.0.5:50051", out var given, "--inference"));
        Assert.True(ServiceAddress.TryParse("127.0.0.1:50051", out var fallback));

        Assert.Equal("--inference '10.0.0.5:50051'", given.Describe());
        Assert.Equal("the default address '127.0.0.1:50051'", fallback.Describe());
    }
}
