using KazGrpc.ModelForge;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;

namespace KazGrpc.Models.Tests;

public sealed class SessionFactoryTests : IDisposable
{
    // The fallback tests need a machine where the CUDA libraries do not load.
    private static readonly bool CudaLoads = CudaLibraries.Missing().Count == 0;

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
    public void Create_Cpu_SaysSoOnce()
    {
        var logger = new FakeLogger<SessionFactory>();
        var sessions = new SessionFactory(Options.Create(new OnnxRuntimeOptions { ExecutionProvider = "cpu" }), logger);

        sessions.Create(_model).Session.Dispose();
        sessions.Create(_model).Session.Dispose();

        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal((LogLevel.Information, "Execution provider: cpu (configured)"), (line.Level, line.Message));
    }

    [Fact]
    public void Create_AutoWithoutCudaLibraries_CpuWithOneLineNamingWhatIsMissing()
    {
        Assert.SkipWhen(CudaLoads, "the CUDA libraries load here: auto takes CUDA");
        var logger = new FakeLogger<SessionFactory>();
        var sessions = new SessionFactory(Options.Create(new OnnxRuntimeOptions { ExecutionProvider = "auto" }), logger);

        var (first, firstProvider) = sessions.Create(_model);
        var (second, secondProvider) = sessions.Create(_model);
        first.Dispose();
        second.Dispose();

        Assert.Equal(("cpu", "cpu", "cpu"), (firstProvider, secondProvider, sessions.Provider));
        var line = Assert.Single(logger.Collector.GetSnapshot());
        Assert.Equal(LogLevel.Information, line.Level);
        Assert.StartsWith("Execution provider: cpu (auto: no CUDA, these libraries cannot be loaded: ", line.Message, StringComparison.Ordinal);
        Assert.Contains("libcublasLt.so.13", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_CudaWithoutCudaLibraries_ThrowsNamingTheSettingAndWhatIsMissing()
    {
        Assert.SkipWhen(CudaLoads, "the CUDA libraries load here");
        var sessions = new SessionFactory(Options.Create(new OnnxRuntimeOptions { ExecutionProvider = "cuda" }), new FakeLogger<SessionFactory>());

        var error = Assert.Throws<InvalidOperationException>(() => sessions.Create(_model));

        Assert.StartsWith("OnnxRuntime:ExecutionProvider is cuda, but these CUDA libraries cannot be loaded: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("libcudnn.so.9", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("auto", "cpu", false)]
    [InlineData("auto", "cuda", true)]
    [InlineData("device", "cpu", true)]
    [InlineData("host", "cuda", false)]
    public void PoolsOnDevice_PoolingSetting_ChoosesWhereAnEncoderOnTheProviderPools(string pooling, string provider, bool onDevice) =>
        Assert.Equal(onDevice, Encoders.CpuSessions(pooling).PoolsOnDevice(provider));
}
