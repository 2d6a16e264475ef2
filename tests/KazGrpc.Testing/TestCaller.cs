namespace KazGrpc.Testing;

/// <summary>A caller as a test configures it (see <see cref="CallersFile"/>).</summary>
/// <param name="Id">The caller's id.</param>
/// <param name="Keys">Its API keys in the clear (the file gets their digests).</param>
/// <param name="Rpcs">Its RPC grants.</param>
/// <param name="Models">Its model grants.</param>
/// <param name="Quotas">Its quotas by <c>QuotaOptions</c> property name; none when null.</param>
public sealed record TestCaller(string Id, string[] Keys, string[] Rpcs, string[] Models, IReadOnlyDictionary<string, int>? Quotas = null);
