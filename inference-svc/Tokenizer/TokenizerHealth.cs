using KazGrpc.Client;
using KazGrpc.Core;
using Microsoft.Extensions.Options;

namespace KazGrpc.InferenceSvc.Tokenizer;

/// <summary>What inference-svc currently believes about tokenizer-svc: reachable or not. Written by
/// <see cref="TokenizerHealthMonitor"/> and by failed calls; read on every request.</summary>
public sealed class TokenizerHealth(IOptions<TokenizerClientOptions> options)
{
    private volatile bool _reachable;

    /// <summary>Raised when reachability changes.</summary>
    public event Action<bool>? Changed;

    /// <summary>True while the tokenizer answers.</summary>
    public bool Reachable => _reachable;

    /// <summary>Throws UNAVAILABLE when the tokenizer is known to be unreachable.</summary>
    public void ThrowIfUnreachable()
    {
        if (!_reachable)
        {
            throw new NotReadyException($"the tokenizer (tokenizer-svc at {options.Value.Address}) is unreachable; inference-svc is NOT_SERVING until it answers again");
        }
    }

    /// <summary>Records a call that could not reach the tokenizer.</summary>
    public void ReportFailure() => Set(false);

    /// <summary>Records the monitor's verdict.</summary>
    public void Set(bool reachable)
    {
        if (_reachable != reachable)
        {
            _reachable = reachable;
            Changed?.Invoke(reachable);
        }
    }
}
