using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Google.Rpc;
using Grpc.Core;

namespace KazGrpc.Tools.Cli;

/// <summary>
/// How a failed call is reported on stderr: the status code as the protos spell it, the message, and
/// the google.rpc details a person acts on (BadRequest field violations, RetryInfo). With
/// <c>--json</c>, the whole google.rpc.Status in the shape Google's JSON APIs use for errors.
/// </summary>
internal static class RpcErrorReport
{
    public static void Write(TextWriter error, string commandPath, RpcException exception, bool json)
    {
        var status = exception.GetRpcStatus() ?? new Google.Rpc.Status { Code = (int)exception.StatusCode, Message = exception.Status.Detail };
        if (json)
        {
            var body = (JsonObject)JsonNode.Parse(JsonOutput.Format(status))!;
            JsonOutput.Write(error, new JsonObject
            {
                ["error"] = new JsonObject
                {
                    ["code"] = status.Code,
                    ["status"] = StatusName(exception.StatusCode),
                    ["message"] = status.Message,
                    ["details"] = body["details"]?.DeepClone() ?? new JsonArray(),
                },
            });
            return;
        }

        error.WriteLine($"{commandPath}: {StatusName(exception.StatusCode)}: {status.Message}");
        foreach (var violation in status.GetDetail<BadRequest>()?.FieldViolations ?? [])
        {
            // The services put the one violation's description in the message too: then only the field is news.
            error.WriteLine(violation.Description == status.Message ? $"  field: {violation.Field}" : $"  {violation.Field}: {violation.Description}");
        }

        if (status.GetDetail<RetryInfo>()?.RetryDelay is { } delay)
        {
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  retry after {delay.ToTimeSpan().TotalSeconds:0.###} s"));
        }
    }

    /// <summary>The code as gRPC and the protos spell it: <c>NOT_FOUND</c>, <c>INVALID_ARGUMENT</c>.</summary>
    public static string StatusName(StatusCode code)
    {
        var name = code.ToString();
        var builder = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]) && char.IsLower(name[i - 1]))
            {
                builder.Append('_');
            }

            builder.Append(char.ToUpperInvariant(name[i]));
        }

        return builder.ToString();
    }
}
