using KazGrpc.Text;

namespace KazGrpc.Hosting.Security;

/// <summary>An identified caller as the configuration in force describes it.</summary>
/// <param name="Id">The caller's id (its key in <c>Auth:Callers</c>, or a JWT's caller claim).</param>
/// <param name="Grants">What it may call and use.</param>
/// <param name="Quotas">Its effective quotas.</param>
/// <param name="SensitiveNumbers">Its policy for identification and phone numbers.</param>
internal sealed record Caller(string Id, Grants Grants, QuotaLimits Quotas, SensitiveNumberPolicy SensitiveNumbers);
