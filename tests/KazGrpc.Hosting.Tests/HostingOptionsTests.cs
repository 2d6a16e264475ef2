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
}
