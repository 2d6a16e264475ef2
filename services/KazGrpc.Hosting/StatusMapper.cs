using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using KazGrpc.Core;

namespace KazGrpc.Hosting;

/// <summary>
/// The one place where domain errors become gRPC status with google.rpc rich details. Used by
/// <see cref="ErrorInterceptor"/> for whole calls and by stream adapters for the in-band errors of
/// multiplexed requests.
/// </summary>
public static class StatusMapper
{
    /// <summary>Maps a domain error to a google.rpc.Status; anything else becomes INTERNAL naming <paramref name="errorId"/>.</summary>
    public static Google.Rpc.Status ToStatus(Exception exception, string errorId) => exception switch
    {
        RequestValidationException validation => new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = validation.Message,
            Details =
            {
                Any.Pack(new BadRequest
                {
                    FieldViolations =
                    {
                        validation.Violations.Select(v => new BadRequest.Types.FieldViolation { Field = v.Field, Description = v.Description }),
                    },
                }),
            },
        },
        ResourceNotFoundException notFound => new Google.Rpc.Status
        {
            Code = (int)Code.NotFound,
            Message = notFound.Message,
            Details = { Any.Pack(new ResourceInfo { ResourceType = notFound.ResourceKind, ResourceName = notFound.Name, Description = notFound.Message }) },
        },
        OverloadedException overloaded => new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Message = overloaded.Message,
            Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(overloaded.RetryAfter) }) },
        },
        AlreadyExistsException exists => new Google.Rpc.Status
        {
            Code = (int)Code.AlreadyExists,
            Message = exists.Message,
            Details = { Any.Pack(new ResourceInfo { ResourceType = exists.ResourceKind, ResourceName = exists.Name, Description = exists.Message }) },
        },
        UnauthenticatedException unauthenticated => new Google.Rpc.Status { Code = (int)Code.Unauthenticated, Message = unauthenticated.Message },
        PermissionDeniedException denied => new Google.Rpc.Status
        {
            Code = (int)Code.PermissionDenied,
            Message = denied.Message,
            Details =
            {
                Any.Pack(new ErrorInfo
                {
                    Reason = "NO_GRANT",
                    Domain = "kazgrpc",
                    Metadata = { ["caller"] = denied.Caller, [denied.ResourceKind == "model" ? "model" : "rpc"] = denied.Name },
                }),
            },
        },
        DeadlineExceededException deadline => new Google.Rpc.Status { Code = (int)Code.DeadlineExceeded, Message = deadline.Message },
        NotReadyException notReady => new Google.Rpc.Status { Code = (int)Code.Unavailable, Message = notReady.Message },
        ExecutionFailedException failed => new Google.Rpc.Status { Code = (int)Code.Internal, Message = $"{failed.Message} (error id {errorId})" },
        _ => new Google.Rpc.Status { Code = (int)Code.Internal, Message = $"internal error (error id {errorId}); the server log has the details" },
    };

    /// <summary>True for errors the caller caused or expects (logged below Error).</summary>
    public static bool IsExpected(Exception exception) =>
        exception is RequestValidationException or ResourceNotFoundException or AlreadyExistsException or OverloadedException or NotReadyException or DeadlineExceededException
            or UnauthenticatedException or PermissionDeniedException;

    /// <summary>Creates a short id that ties a wire error to its log entry.</summary>
    public static string NewErrorId() => Guid.NewGuid().ToString("N")[..12];
}
