using System.Text.Json;
using Grpc.Core;
using KazGrpc.Core;
using KazGrpc.Hosting;
using Microsoft.AspNetCore.Http;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>
/// Domain errors in OpenAI's error shape. The status and message come from the same mapping as
/// gRPC's (<see cref="StatusMapper"/>), so both transports say the same thing; the code then picks
/// the HTTP status the way OpenAI and vLLM answer it, and field names become OpenAI's.
/// </summary>
internal static class OpenAiErrors
{
    /// <summary>The answer for <paramref name="exception"/>; <paramref name="errorId"/> ties an
    /// internal error to its log entry.</summary>
    public static OpenAiFailure From(Exception exception, string errorId, ParameterNames names)
    {
        if (exception is JsonException json)
        {
            return BadBody(json);
        }

        if (exception is BadHttpRequestException badRequest)
        {
            // Kestrel's own limits, e.g. a body over the largest size (413).
            return new OpenAiFailure(badRequest.StatusCode, new ErrorBody(badRequest.Message, "invalid_request_error", null, null), null, StatusCode.InvalidArgument);
        }

        var status = StatusMapper.ToStatus(exception, errorId);
        var code = (StatusCode)status.Code;
        return exception switch
        {
            RequestValidationException validation => new OpenAiFailure(
                StatusCodes.Status400BadRequest,
                new ErrorBody(
                    string.Join("; ", validation.Violations.Select(v => names.Message(v.Description))),
                    "invalid_request_error",
                    names.Field(validation.Violations[0].Field),
                    null),
                null,
                code),
            ResourceNotFoundException notFound => new OpenAiFailure(
                StatusCodes.Status404NotFound,
                new ErrorBody(notFound.Message, "invalid_request_error", notFound.ResourceKind == "model" ? "model" : null,
                    notFound.ResourceKind == "model" ? "model_not_found" : "not_found"),
                null,
                code),
            AlreadyExistsException exists => new OpenAiFailure(
                StatusCodes.Status409Conflict,
                new ErrorBody(names.Message(exists.Message), "invalid_request_error", OpenAiRequests.RequestIdHeader, "request_id_in_use"),
                null,
                code),
            OverloadedException overloaded => new OpenAiFailure(
                StatusCodes.Status429TooManyRequests,
                new ErrorBody(overloaded.Message, "rate_limit_error", null, "rate_limit_exceeded"),
                overloaded.RetryAfter,
                code),
            UnauthenticatedException => new OpenAiFailure(
                StatusCodes.Status401Unauthorized, new ErrorBody(status.Message, "invalid_request_error", null, "invalid_api_key"), null, code),
            PermissionDeniedException denied => new OpenAiFailure(
                StatusCodes.Status403Forbidden,
                new ErrorBody(status.Message, "invalid_request_error", denied.ResourceKind == "model" ? "model" : null, "permission_denied"),
                null,
                code),
            NotReadyException => new OpenAiFailure(
                StatusCodes.Status503ServiceUnavailable, new ErrorBody(status.Message, "server_error", null, "service_unavailable"), null, code),
            DeadlineExceededException => new OpenAiFailure(
                StatusCodes.Status504GatewayTimeout, new ErrorBody(status.Message, "server_error", null, "timeout"), null, code),
            _ => new OpenAiFailure(
                StatusCodes.Status500InternalServerError, new ErrorBody(status.Message, "server_error", null, "internal_error"), null, code),
        };
    }

    /// <summary>A body that is not JSON, or whose member has the wrong type: 400 naming the member.</summary>
    private static OpenAiFailure BadBody(JsonException error)
    {
        var param = error.Path is { Length: > 2 } path && path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : null;
        var where = error.LineNumber is { } line ? $" (line {line + 1}, byte {error.BytePositionInLine + 1})" : string.Empty;
        var message = param is null
            ? $"the request body must be a JSON object{where}"
            : $"`{param}` has a value of the wrong type, or the JSON is malformed there{where}";
        return new OpenAiFailure(StatusCodes.Status400BadRequest, new ErrorBody(message, "invalid_request_error", param, null), null, StatusCode.InvalidArgument);
    }
}
