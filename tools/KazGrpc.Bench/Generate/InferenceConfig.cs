using Microsoft.Extensions.Configuration;

namespace KazGrpc.Bench.Generate;

/// <summary><c>--inference-config</c> read as inference-svc reads its command line, for the runs in this process.</summary>
internal static class InferenceConfig
{
    /// <summary>Binds section <paramref name="section"/> of <paramref name="args"/> (<c>--Section:Key=value</c>) over <paramref name="options"/>.</summary>
    public static T Bind<T>(IReadOnlyList<string> args, string section, T options)
    {
        new ConfigurationBuilder().AddCommandLine([.. args]).Build().GetSection(section).Bind(options);
        return options;
    }
}
