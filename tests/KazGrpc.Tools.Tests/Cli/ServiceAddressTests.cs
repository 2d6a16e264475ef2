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
}
