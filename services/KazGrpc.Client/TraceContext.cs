using System.Diagnostics;
using Grpc.Core;

namespace KazGrpc.Client;

/// <summary>
/// How the client carries the caller's trace (<see cref="Activity.Current"/>) to tokenizer-svc. A
/// unary call carries it in its <c>traceparent</c> header. A request on a multiplexed stream carries
/// it in the message's own <c>traceparent</c> field: the stream's headers are sent once, for a stream
/// that outlives every request on it, so streams are opened with no ambient trace at all. Without a
/// current activity nothing is added and nothing is allocated.
/// </summary>
internal static class TraceContext
{
    /// <summary>The W3C <c>traceparent</c> of <paramref name="activity"/>; empty when it is null or not in W3C form.</summary>
    public static string Traceparent(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : string.Empty;

    /// <summary>Headers carrying the current trace for a unary call; null when there is none.</summary>
    public static Metadata? Headers()
    {
        var activity = Activity.Current;
        var traceparent = Traceparent(activity);
        if (traceparent.Length == 0)
        {
            return null;
        }

        var headers = new Metadata { { "traceparent", traceparent } };
        if (!string.IsNullOrEmpty(activity!.TraceStateString))
        {
            headers.Add("tracestate", activity.TraceStateString);
        }

        return headers;
    }

    /// <summary>Clears <see cref="Activity.Current"/> until disposed: for opening a long-lived stream
    /// (and starting its tasks) that must not belong to the request that happened to open it.</summary>
    public static NoAmbientTrace Suppress() => new(Activity.Current);

    /// <summary>Restores the current activity that <see cref="Suppress"/> cleared.</summary>
    public readonly struct NoAmbientTrace : IDisposable
    {
        private readonly Activity? _saved;

        public NoAmbientTrace(Activity? saved)
        {
            _saved = saved;
            if (saved is not null)
            {
                Activity.Current = null;
            }
        }

        public void Dispose()
        {
            if (_saved is not null)
            {
                Activity.Current = _saved;
            }
        }
    }
}
