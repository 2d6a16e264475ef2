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
    public void Validate_NegativeMaxConnections_NamesTheSettingAndValue()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new HostingOptions { MaxConnections = -1 }.Validate());
        Assert.Equal("Hosting:MaxConnections must be 0 (no limit) or more; got -1", error.Message);
    }

    [Fact]
    public void Validate_EveryEndpointOnPortZero_Valid()
    {
        new HostingOptions { GrpcAddress = "127.0.0.1:0", HttpAddress = "127.0.0.1:0", MetricsAddress = "127.0.0.1:0" }.Validate();
    }

    [Fact]
    public void Validate_NoTlsSettings_PlaintextIsValid()
    {
        var options = new HostingOptions();

        options.Validate();

        Assert.False(options.Tls.Enabled);
    }

    [Fact]
    public void Validate_ClientCertificateModeWithoutCertificate_NamesCertificatePath()
    {
        var options = new HostingOptions { Tls = { ClientCertificateMode = ClientCertificatePolicy.Require } };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Equal(
            "Hosting:Tls:CertificatePath is empty (TLS off) but other Hosting:Tls settings are set; set it to the server certificate's PEM file, or clear them",
            error.Message);
    }

    [Fact]
    public void Validate_RequireWithoutClientCa_NamesClientCaPath()
    {
        var options = new HostingOptions { Tls = { CertificatePath = "/etc/kazgrpc/server.crt", ClientCertificateMode = ClientCertificatePolicy.Require } };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Equal(
            "Hosting:Tls:ClientCaPath is required when Hosting:Tls:ClientCertificateMode is Require: client certificates are checked against those CAs only",
            error.Message);
    }

    [Fact]
    public void Validate_ClientCaWithModeNone_SaysToSetTheMode()
    {
        var options = new HostingOptions { Tls = { CertificatePath = "/etc/kazgrpc/server.crt", ClientCaPath = "/etc/kazgrpc/ca.crt" } };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.StartsWith("Hosting:Tls:ClientCaPath is set but Hosting:Tls:ClientCertificateMode is None", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_MissingCertificateFile_NamesTheSettingAndTheFile()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kazgrpc-absent-{Guid.NewGuid():N}.crt");
        var options = new HostingOptions { Tls = { CertificatePath = path } };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.Equal($"Hosting:Tls:CertificatePath: the file '{path}' does not exist", error.Message);
    }
}
