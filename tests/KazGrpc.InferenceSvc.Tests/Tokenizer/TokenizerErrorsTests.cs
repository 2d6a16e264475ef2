using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using KazGrpc.Core;
using KazGrpc.InferenceSvc.Tokenizer;

namespace KazGrpc.InferenceSvc.Tests.Tokenizer;

/// <summary>
/// Every status a tokenizer call can fail with becomes a domain error. The codes the real
/// tokenizer-svc can be made to send are also driven through it (<see cref="TokenizerErrorTests"/>,
/// <see cref="TokenizerOutageTests"/>); this covers the rest.
/// </summary>
public sealed class TokenizerErrorsTests
{
    private static readonly Uri Address = new("http://127.0.0.1:50052");

    [Theory]
    [InlineData(StatusCode.InvalidArgument, typeof(RequestValidationException))]
    [InlineData(StatusCode.NotFound, typeof(NotReadyException))]
    [InlineData(StatusCode.ResourceExhausted, typeof(OverloadedException))]
    [InlineData(StatusCode.DeadlineExceeded, typeof(DeadlineExceededException))]
    [InlineData(StatusCode.Unavailable, typeof(NotReadyException))]
    [InlineData(StatusCode.Cancelled, typeof(NotReadyException))]
    [InlineData(StatusCode.Internal, typeof(ExecutionFailedException))]
    [InlineData(StatusCode.Unknown, typeof(ExecutionFailedException))]
    [InlineData(StatusCode.Unimplemented, typeof(ExecutionFailedException))]
    [InlineData(StatusCode.FailedPrecondition, typeof(ExecutionFailedException))]
    [InlineData(StatusCode.Aborted, typeof(ExecutionFailedException))]
    [InlineData(StatusCode.OutOfRange, typeof(ExecutionFailedException))]
    [InlineData(StatusCode.AlreadyExists, typeof(ExecutionFailedException))]
    [InlineData(StatusCode.PermissionDenied, typeof(ExecutionFailedException))]
    [InlineData(StatusCode.Unauthenticated, typeof(ExecutionFailedException))]
    [InlineData(StatusCode.DataLoss, typeof(ExecutionFailedException))]
    public void ToDomain_EveryStatus_ADomainErrorThatKeepsTheDetail(StatusCode code, System.Type expected)
    {
        var error = TokenizerErrors.ToDomain(new RpcException(new global::Grpc.Core.Status(code, "what tokenizer-svc said")), "minilm", "minilm", Address);

        Assert.IsType(expected, error);
        Assert.Contains("what tokenizer-svc said", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ToDomain_InvalidArgumentWithViolations_RenamesTextsToInputs()
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.InvalidArgument,
            Message = "`texts[2]` must be at most 256 bytes of UTF-8; got 300",
            Details =
            {
                Any.Pack(new BadRequest
                {
                    FieldViolations = { new BadRequest.Types.FieldViolation { Field = "texts[2]", Description = "`texts[2]` must be at most 256 bytes of UTF-8; got 300" } },
                }),
            },
        };

        var error = Assert.IsType<RequestValidationException>(TokenizerErrors.ToDomain(status.ToRpcException(), "minilm", "minilm", Address));

        var violation = Assert.Single(error.Violations);
        Assert.Equal(("inputs[2]", "`inputs[2]` must be at most 256 bytes of UTF-8; got 300"), (violation.Field, violation.Description));
    }

    [Fact]
    public void ToDomain_InvalidArgumentWithoutDetails_OneViolationOnInputs()
    {
        var error = Assert.IsType<RequestValidationException>(
            TokenizerErrors.ToDomain(new RpcException(new global::Grpc.Core.Status(StatusCode.InvalidArgument, "`texts` must contain at most 4 texts; got 5")), "minilm", "minilm", Address));

        Assert.Equal(new FieldViolation("inputs", "`inputs` must contain at most 4 texts; got 5"), Assert.Single(error.Violations));
    }

    [Fact]
    public void ToDomain_ResourceExhaustedWithRetryInfo_KeepsTheDelay()
    {
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Message = "busy",
            Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(250)) }) },
        };

        var error = Assert.IsType<OverloadedException>(TokenizerErrors.ToDomain(status.ToRpcException(), "minilm", "minilm", Address));

        Assert.Equal(TimeSpan.FromMilliseconds(250), error.RetryAfter);
    }

    [Fact]
    public void ToDomain_NotFound_NamesTheModelAndItsTokenizer()
    {
        var error = TokenizerErrors.ToDomain(new RpcException(new global::Grpc.Core.Status(StatusCode.NotFound, "tokenizer 'bert' was not found")), "bert", "e5", Address);

        Assert.Equal($"model 'e5' needs tokenizer 'bert', which tokenizer-svc at {Address} does not have: tokenizer 'bert' was not found", error.Message);
    }
}
