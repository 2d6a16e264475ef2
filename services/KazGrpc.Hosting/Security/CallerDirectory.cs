using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KazGrpc.Hosting.Security;

/// <summary>
/// The callers in force and their quota accounts. Built from <c>Auth</c> at start-up (a wrong
/// setting fails the start, naming it) and rebuilt whenever the configuration reloads: a key removed
/// from the file is refused from the next call on. A reloaded version that is not valid is refused
/// whole, logged at Error, and the one in force stays. Accounts outlive reloads, so that a caller's
/// last minute and calls in progress still count under its new quotas.
/// </summary>
internal sealed class CallerDirectory : IDisposable
{
    private readonly ConcurrentDictionary<string, QuotaAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;
    private readonly ILogger<CallerDirectory> _logger;
    private readonly IDisposable? _subscription;
    private volatile AccessSnapshot _current;

    public CallerDirectory(IOptionsMonitor<AuthOptions> options, TimeProvider time, ILogger<CallerDirectory> logger)
    {
        _time = time;
        _logger = logger;
        _current = AccessSnapshot.From(options.CurrentValue);
        _subscription = options.OnChange(Reload);
    }

    public AccessSnapshot Current => _current;

    /// <summary>The account of <paramref name="caller"/>, under the caller's quotas in force.</summary>
    public QuotaAccount Account(Caller caller)
    {
        var account = _accounts.GetOrAdd(caller.Id, static (id, time) => new QuotaAccount(id, time), _time);
        account.Apply(caller.Quotas);
        return account;
    }

    public void Dispose() => _subscription?.Dispose();

    private void Reload(AuthOptions options)
    {
        try
        {
            var next = AccessSnapshot.From(options);
            _current = next;
            SecurityLog.CallersReloaded(_logger, next.ById.Count, next.ByKey.Count, next.Jwt.Keys.Count);
        }
        catch (InvalidOperationException ex)
        {
            SecurityLog.ReloadRefused(_logger, ex.Message);
        }
    }
}
