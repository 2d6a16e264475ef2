namespace KazGrpc.Testing;

/// <summary>A caller as a test configures it (see <see cref="CallersFile"/>).</summary>
/// <param name="Id">The caller's id.</param>
/// <param name="Keys">Its API keys in the clear (the file gets their digests).</param>
/// <param name="Rpcs">Its RPC grants.</param>
/// <param name="Models">Its model grants.</param>
/// <param name="Quotas">Its quotas by <c>QuotaOptions</c> property name; none when null.</param>
/// <param name="SensitiveNumbers">Its policy for identification and phone numbers (<c>Allow</c>, <c>Mask</c>, <c>Reject</c>); the default's when null.</param>
public sealed record TestCaller(
    string Id, string[] Keys, string[] Rpcs, string[] Models, IReadOnlyDictionary<string, int>? Quotas = null, string? SensitiveNumbers = null);
