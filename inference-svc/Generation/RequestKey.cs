namespace KazGrpc.InferenceSvc.Generation;

/// <summary>A request id as <see cref="RequestTracker"/> keys it: within its caller's ids.</summary>
internal readonly record struct RequestKey(string Caller, string RequestId);
