using System.Collections;
using System.Runtime;
using System.Runtime.InteropServices;
using KazGrpc.Launcher;

namespace KazGrpc.Bench.Core;

/// <summary>The machine and runtime a result was measured on.</summary>
/// <param name="Framework">.NET version.</param>
/// <param name="Os">Operating system.</param>
/// <param name="Cores">Logical processors.</param>
/// <param name="ServerGc">Server GC on in this process.</param>
/// <param name="Build">This benchmark's build configuration (figures of a Debug build are not worth comparing).</param>
/// <param name="Environment"><c>DOTNET_*</c> variables of this process.</param>
/// <param name="ServiceEnvironment">What the services (and echo servers) were started with; empty for bench tokenize.</param>
internal sealed record RuntimeInfo(
    string Framework, string Os, int Cores, bool ServerGc, string Build, IReadOnlyDictionary<string, string> Environment, IReadOnlyDictionary<string, string> ServiceEnvironment)
{
    public static RuntimeInfo Current(IReadOnlyDictionary<string, string> serviceEnvironment) => new(
        RuntimeInformation.FrameworkDescription,
        RuntimeInformation.OSDescription,
        System.Environment.ProcessorCount,
        GCSettings.IsServerGC,
        RepositoryPaths.Configuration,
        System.Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
            .Select(e => (Name: (string)e.Key, Value: (string?)e.Value ?? string.Empty))
            .Where(e => e.Name.StartsWith("DOTNET_", StringComparison.Ordinal) && !e.Name.StartsWith("DOTNET_ROOT", StringComparison.Ordinal)
                && !e.Name.Contains("TELEMETRY", StringComparison.Ordinal) && !e.Name.Contains("NOLOGO", StringComparison.Ordinal))
            .OrderBy(e => e.Name, StringComparer.Ordinal)
            .ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal),
        serviceEnvironment);

    public override string ToString() =>
        $"runtime: {Framework}, {Cores} cores, server GC {(ServerGc ? "on" : "off")}, {Build} build{Variables(", ", Environment)}"
        + Variables("; services: ", ServiceEnvironment)
        + (Build == "Release" ? string.Empty : " (warning: build with -c Release for figures worth comparing)");

    private static string Variables(string prefix, IReadOnlyDictionary<string, string> variables) =>
        variables.Count == 0 ? string.Empty : prefix + string.Join(' ', variables.Select(v => $"{v.Key}={Shown(v.Key, v.Value)}"));

    // A key the envelope made for the run is a credential: the report names it, never shows it.
    private static string Shown(string name, string value) => name.EndsWith("ApiKey", StringComparison.Ordinal) ? "(made for the run)" : value;
}
