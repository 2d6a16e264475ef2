using Grpc.Core;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>An error as the OpenAI API answers it: the HTTP status, the body, the delay for
/// <c>Retry-After</c> (overload only), and the gRPC code the same error has on gRPC (for the metrics).</summary>
internal sealed record OpenAiFailure(int HttpStatus, ErrorBody Body, TimeSpan? RetryAfter, StatusCode Code);
