namespace KazGrpc.Hosting.Tests;

public sealed class HostingOptionsTests
{
    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Validate_EmptyMeterName_NamesTheSetting(string name)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new HostingOptions { MeterName = name }.Validate());
        Assert.Contains("Hosting:MeterName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HttpAddressWithoutPort_NamesTheSetting()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new HostingOptions { HttpAddress = "0.0.0.0" }.Validate());
        Assert.Equal("Hosting:HttpAddress must be host:port; got '0.0.0.0'", error.Message);
    }

    [Fact]
    public void Validate_HttpAddressOnTheGrpcPort_NamesBothSettings()
    {
        var options = new HostingOptions { GrpcAddress = "127.0.0.1:50051", HttpAddress = "0.0.0.0:50051" };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Equal("Hosting:GrpcAddress and Hosting:HttpAddress must use different ports; both use 50051", error.Message);
    }

    [Fact]
    public void Validate_EveryEndpointOnPortZero_Valid()
    {
        new HostingOptions { GrpcAddress = "127.0.0.1:0", HttpAddress = "127.0.0.1:0", MetricsAddress = "127.0.0.1:0" }.Validate();
    }
}
