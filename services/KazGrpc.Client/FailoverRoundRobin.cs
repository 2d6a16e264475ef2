using System.Collections.Concurrent;
using System.Net.Http;
using Grpc.Net.Client.Balancer;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Client;

/// <summary>
/// Round-robin over the ready replicas that leaves out, for a while, a replica that a call could
/// not connect to. A replica that died keeps its subchannel Ready until the HTTP stack notices
/// (and grpc-dotnet may never notice when only new connections fail), so plain round-robin sends
/// every other retry back to it and a call can spend all its attempts there. The request never
/// reached the server in that case, so nothing runs twice. A small form of gRPC's outlier
/// detection (A50), driven only by connection failures.
/// </summary>
internal sealed partial class FailoverRoundRobinBalancer : SubchannelsLoadBalancer
{
    /// <summary>The policy's name in a service config's <c>loadBalancingConfig</c>.</summary>
    public const string PolicyName = "kazgrpc_failover_round_robin";

    /// <summary>How long a first connection failure leaves a replica out; each failure in a row doubles it.</summary>
    public static readonly TimeSpan BaseEjection = TimeSpan.FromSeconds(2);

    /// <summary>The longest a replica is left out before one call tries it again.</summary>
    public static readonly TimeSpan MaxEjection = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<Subchannel, Ejection> _ejections = new();
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public FailoverRoundRobinBalancer(IChannelControlHelper controller, ILoggerFactory loggerFactory, TimeProvider time)
        : base(controller, loggerFactory)
    {
        _time = time;
        _logger = loggerFactory.CreateLogger<FailoverRoundRobinBalancer>();
    }

    protected override SubchannelPicker CreatePicker(IReadOnlyList<Subchannel> readySubchannels)
    {
        // A replica that left Ready connects afresh before it is picked again: its ejection is moot.
        foreach (var subchannel in _ejections.Keys)
        {
            if (!readySubchannels.Contains(subchannel))
            {
                _ejections.TryRemove(subchannel, out _);
            }
        }

        return new Picker(this, readySubchannels, Random.Shared.Next(readySubchannels.Count));
    }

    private bool IsEjected(Subchannel subchannel, DateTimeOffset now) =>
        _ejections.TryGetValue(subchannel, out var ejection) && now < ejection.Until;

    private void OnCallCompleted(Subchannel subchannel, Exception? error)
    {
        if (error is null)
        {
            // A call went through: the next failure starts again from the base ejection, once this one ends.
            if (_ejections.TryGetValue(subchannel, out var ejection) && _time.GetUtcNow() >= ejection.Until)
            {
                _ejections.TryRemove(KeyValuePair.Create(subchannel, ejection));
            }

            return;
        }

        if (!IsConnectionFailure(error))
        {
            return;
        }

        TimeSpan duration;
        lock (_ejections)
        {
            var now = _time.GetUtcNow();
            var count = 1;
            if (_ejections.TryGetValue(subchannel, out var previous))
            {
                if (now < previous.Until)
                {
                    return; // Calls that failed together count once.
                }

                count = previous.Count + 1;
            }

            duration = Duration(count);
            _ejections[subchannel] = new Ejection(count, now + duration);
        }

        Log.Ejected(_logger, subchannel.CurrentAddress?.ToString() ?? subchannel.ToString(), duration, error.Message);
    }

    /// <summary>A failure to open a connection: the request was never sent.</summary>
    private static bool IsConnectionFailure(Exception error) =>
        error is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

    private static TimeSpan Duration(int count) =>
        TimeSpan.FromTicks(Math.Min(MaxEjection.Ticks, BaseEjection.Ticks << Math.Min(count - 1, 8)));

    private readonly record struct Ejection(int Count, DateTimeOffset Until);

    /// <summary>Round-robin from a random start over the ready replicas that are not left out; when every
    /// one is, over all of them, since a call must go somewhere.</summary>
    private sealed class Picker : SubchannelPicker
    {
        private readonly FailoverRoundRobinBalancer _balancer;
        private readonly Tracker[] _trackers;
        private long _picks;

        public Picker(FailoverRoundRobinBalancer balancer, IReadOnlyList<Subchannel> subchannels, long start)
        {
            _balancer = balancer;
            _trackers = [.. subchannels.Select(s => new Tracker(balancer, s))];
            _picks = start;
        }

        public override PickResult Pick(PickContext context)
        {
            var now = _balancer._time.GetUtcNow();
            var first = Interlocked.Increment(ref _picks);
            for (var i = 0; i < _trackers.Length; i++)
            {
                var tracker = At(first + i);
                if (!_balancer.IsEjected(tracker.Subchannel, now))
                {
                    return PickResult.ForSubchannel(tracker.Subchannel, tracker);
                }
            }

            // Every replica left out: the first in turn, since a call must go somewhere.
            var fallback = At(first);
            return PickResult.ForSubchannel(fallback.Subchannel, fallback);
        }

        private Tracker At(long turn) => _trackers[(int)((ulong)turn % (ulong)_trackers.Length)];
    }

    /// <summary>Hears how each call picked for its replica started; one per replica and picker.</summary>
    private sealed class Tracker(FailoverRoundRobinBalancer balancer, Subchannel subchannel) : ISubchannelCallTracker
    {
        public Subchannel Subchannel { get; } = subchannel;

        public void Start()
        {
        }

        public void Complete(CompletionContext context) => balancer.OnCallCompleted(Subchannel, context.Error);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Replica {Address} left out of round-robin for {Duration}: a call could not connect ({Reason})")]
        public static partial void Ejected(ILogger logger, string address, TimeSpan duration, string reason);
    }
}

/// <summary>Creates <see cref="FailoverRoundRobinBalancer"/>s for channels whose service config names its policy.</summary>
internal sealed class FailoverRoundRobinBalancerFactory(TimeProvider time) : LoadBalancerFactory
{
    public override string Name => FailoverRoundRobinBalancer.PolicyName;

    public override LoadBalancer Create(LoadBalancerOptions options) =>
        new FailoverRoundRobinBalancer(options.Controller, options.LoggerFactory, time);

    /// <summary>The service config entry that selects the policy.</summary>
    public static LoadBalancingConfig Config => new(FailoverRoundRobinBalancer.PolicyName);
}
