using Google.Protobuf;
using KazGrpc.ModelForge;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;

namespace KazGrpc.Models.Tests;

public sealed class SessionFactoryTests : IDisposable
{
    // Whether this machine can run a session on CUDA: the tests of the fallback need one that cannot.
    private static readonly Lazy<bool> CudaUsable = new(() =>
    {
        try
        {
            using var session = Encoders.CpuSessions().Create(IdentityEncoder.Build().ToByteArray(), "cuda");
            return true;
        }
        catch (OnnxRuntimeException)
        {
            return false;
        }
    });

    private readonly TempDirectory _directory = new();
    private readonly string _model;

    public SessionFactoryTests() => _model = IdentityEncoder.Write(_directory.Path);

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Create_Cpu_SessionRunsOnTheCpu()
    {
        var (session, provider) = Encoders.CpuSessions().Create(_model);
        using (session)
        {
            Assert.Equal("cpu", provider);
            Assert.Contains(IdentityEncoder.LastHiddenState, session.OutputMetadata.Keys);
        }
    }

    [Fact]
    public void Create_AutoWithoutCuda_FallsBackToTheCpuAndSaysSoOnce()
    {
        Assert.SkipWhen(CudaUsable.Value, "CUDA is usable here: auto takes it");
        var logger = new FakeLogger<SessionFactory>();
        var sessions = new SessionFactory(Options.Create(new OnnxRuntimeOptions { ExecutionProvider = "auto" }), logger);

        var (first, firstProvider) = sessions.Create(_model);
        var (second, secondProvider) = sessions.Create(_model);
        first.Dispose();
        second.Dispose();

        Assert.Equal(("cpu", "cpu"), (firstProvider, secondProvider));
        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("CUDA execution provider unavailable (", line.Message, StringComparison.Ordinal);
        Assert.EndsWith("); running on CPU", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CudaWithoutCuda_Throws()
    {
        Assert.SkipWhen(CudaUsable.Value, "CUDA is usable here");
        var sessions = new SessionFactory(Options.Create(new OnnxRuntimeOptions { ExecutionProvider = "cuda" }), new FakeLogger<SessionFactory>());

        Assert.Throws<OnnxRuntimeException>(() => sessions.Create(_model));
    }

    [Theory]
    [InlineData("auto", "cpu", false)]
    [InlineData("auto", "cuda", true)]
    [InlineData("device", "cpu", true)]
    [InlineData("host", "cuda", false)]
    public void PoolsOnDevice_PoolingSetting_ChoosesWhereAnEncoderOnTheProviderPools(string pooling, string provider, bool onDevice) =>
        Assert.Equal(onDevice, Encoders.CpuSessions(pooling).PoolsOnDevice(provider));
}
