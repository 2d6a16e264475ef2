namespace KazGrpc.Bench;

/// <summary>A service mode's throughput as a share of in-process, per language and at worst.</summary>
/// <param name="Mode">Mode key.</param>
/// <param name="Label">Table label.</param>
/// <param name="ByLanguage">Ratio per language code.</param>
/// <param name="Minimum">The smallest of <paramref name="ByLanguage"/>.</param>
/// <param name="EfficiencyByLanguage">Texts per CPU-second as a share of in-process, per language code; empty against an external service.</param>
/// <param name="Target">The ratio aimed for.</param>
/// <param name="Met">True when <paramref name="Minimum"/> reaches <paramref name="Target"/>.</param>
internal sealed record HeadlineRatio(string Mode, string Label, IReadOnlyDictionary<string, double> ByLanguage, double Minimum, IReadOnlyDictionary<string, double> EfficiencyByLanguage, double Target, bool Met);
