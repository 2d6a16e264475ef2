using System.Runtime;
using System.Runtime.InteropServices;

namespace KazGrpc.Bench;

/// <summary>The machine and runtime settings a result was measured under.</summary>
/// <param name="Framework">.NET version.</param>
/// <param name="Os">Operating system.</param>
/// <param name="ProcessorCount">Logical processors available to the process.</param>
/// <param name="ServerGc">Server GC on.</param>
/// <param name="GcLatencyMode">GC latency mode (<c>Interactive</c> means concurrent GC on, <c>Batch</c> off).</param>
/// <param name="DotnetEnvironment"><c>DOTNET_*</c> variables set for the process (GC, tiering and PGO knobs).</param>
internal sealed record RuntimeReport(string Framework, string Os, int ProcessorCount, bool ServerGc, string GcLatencyMode, IReadOnlyDictionary<string, string> DotnetEnvironment)
{
    /// <summary>This process's settings.</summary>
    public static RuntimeReport Current()
    {
        var knobs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            var name = (string)variable.Key;
            if (name.StartsWith("DOTNET_", StringComparison.Ordinal) && !name.StartsWith("DOTNET_ROOT", StringComparison.Ordinal)
                && !name.Contains("TELEMETRY", StringComparison.Ordinal) && !name.Contains("NOLOGO", StringComparison.Ordinal))
            {
                knobs[name] = (string?)variable.Value ?? string.Empty;
            }
        }

        return new RuntimeReport(
            RuntimeInformation.FrameworkDescription,
            RuntimeInformation.OSDescription,
            Environment.ProcessorCount,
            GCSettings.IsServerGC,
            GCSettings.LatencyMode.ToString(),
            knobs);
    }
}
