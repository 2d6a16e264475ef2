using System.Diagnostics;

namespace KazGrpc.Core;

/// <summary>
/// Span helpers for code that works for a request away from the request's own async flow (a
/// batching loop, an engine thread, a stream's reader): spans start under an explicit parent and
/// stop without leaving the working thread's <see cref="Activity.Current"/> changed. With no listener
/// on the source every method returns at the first check, allocating nothing.
/// </summary>
public static class Spans
{
    /// <summary>
    /// Starts <paramref name="name"/> under <paramref name="parent"/> (default: a new trace, whatever
    /// is current), leaving <see cref="Activity.Current"/> as it was. Null when
    /// <paramref name="source"/> is null, has no listener, or the sampler drops the span. The caller
    /// stops it with <see cref="StopDetached"/>.
    /// </summary>
    /// <param name="source">The service's source; null turns tracing off.</param>
    /// <param name="name">The span's name.</param>
    /// <param name="kind">The span's kind.</param>
    /// <param name="parent">The parent's context; default starts a trace of its own.</param>
    /// <param name="startTime">When the span began, if before now (default: now).</param>
    public static Activity? StartDetached(this ActivitySource? source, string name, ActivityKind kind, ActivityContext parent, DateTimeOffset startTime = default)
    {
        if (source is null || !source.HasListeners())
        {
            return null;
        }

        var current = Activity.Current;
        if (current is not null && parent == default)
        {
            // A default parent means "use the current one" to ActivitySource: clear it for a root.
            Activity.Current = null;
        }

        var activity = source.StartActivity(name, kind, parent, startTime: startTime);
        Activity.Current = current;
        return activity;
    }

    /// <summary>Stops <paramref name="activity"/> (nothing when null) and leaves
    /// <see cref="Activity.Current"/> as it was; <see cref="Activity.Stop"/> alone would set it to
    /// whatever was current when the span started, on whichever thread stops it.</summary>
    public static void StopDetached(this Activity? activity)
    {
        if (activity is null)
        {
            return;
        }

        var current = Activity.Current;
        activity.Stop();
        if (!ReferenceEquals(current, activity))
        {
            Activity.Current = current;
        }
    }

    /// <summary>Marks <paramref name="activity"/> failed with a bounded <paramref name="errorType"/>
    /// (an exception's type name or a status code name, never a message, which may quote a caller's input).</summary>
    public static void SetError(this Activity? activity, string errorType)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetStatus(ActivityStatusCode.Error, errorType);
        activity.SetTag("error.type", errorType);
    }

    /// <summary>The W3C <c>traceparent</c> of <paramref name="activity"/>; empty when it is null or not in W3C form.</summary>
    public static string Traceparent(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C, Id: { } id } ? id : string.Empty;

    /// <summary>The context a W3C <c>traceparent</c> names, marked remote; default when
    /// <paramref name="traceparent"/> is empty or does not parse.</summary>
    public static ActivityContext ParseTraceparent(string? traceparent) =>
        !string.IsNullOrEmpty(traceparent) && ActivityContext.TryParse(traceparent, null, isRemote: true, out var context) ? context : default;
}
