using KazGrpc.ModelForge;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace KazGrpc.Models.Tests;

/// <summary>Encoders and session factories on the CPU, as the tests load them.</summary>
internal static class Encoders
{
    /// <summary>A session factory for the CPU with <paramref name="pooling"/> (<c>auto</c>, <c>host</c> or <c>device</c>).</summary>
    public static SessionFactory CpuSessions(string pooling = "auto") =>
        new(Options.Create(new OnnxRuntimeOptions { ExecutionProvider = "cpu", Pooling = pooling }), NullLogger<SessionFactory>.Instance);

    /// <summary>Loads the encoder in <paramref name="directory"/> on the CPU, pooling on the host or on the device.</summary>
    public static EncoderModel Load(string directory, string pooling) =>
        EncoderModel.Load(directory, EmbeddingModelConfig.Read(directory), CpuSessions(pooling));

    /// <summary>[CLS], <paramref name="length"/> − 2 ordinary word pieces, [SEP].</summary>
    public static int[] Sequence(int length) =>
        [101, .. Enumerable.Range(0, length - 2).Select(i => 2000 + (i * 37 % 20000)), 102];
}
