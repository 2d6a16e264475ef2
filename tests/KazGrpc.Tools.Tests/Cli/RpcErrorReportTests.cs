using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using Google.Rpc;
using Grpc.Core;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Tests.Cli;

public sealed class RpcErrorReportTests
{
    [Theory]
    [InlineData(StatusCode.NotFound, "NOT_FOUND")]
    [InlineData(StatusCode.InvalidArgument, "INVALID_ARGUMENT")]
    [InlineData(StatusCode.DeadlineExceeded, "DEADLINE_EXCEEDED")]
    [InlineData(StatusCode.Unavailable, "UNAVAILABLE")]
    [InlineData(StatusCode.OK, "OK")]
    public void StatusName_Code_SpeltAsTheProtosSpellIt(StatusCode code, string name)
    {
        Assert.Equal(name, RpcErrorReport.StatusName(code));
    }

    [Fact]
    public void Write_BadRequest_ListsTheFieldsAfterTheMessage()
    {
        using var error = new StringWriter();

        RpcErrorReport.Write(error, "kazgrpc generate", BadRequestError(), json: false);

        Assert.Equal(
            [
                "kazgrpc generate: INVALID_ARGUMENT: `parameters.top_p` must be in (0, 1]; got 1.5",
                "  field: parameters.top_p",
                "  parameters.temperature: `parameters.temperature` must be at most 2; got 3",
            ],
            Lines(error));
    }

    [Fact]
    public void Write_RetryInfo_SaysWhenToRetry()
    {
        using var error = new StringWriter();
        var status = new Google.Rpc.Status
        {
            Code = (int)Code.ResourceExhausted,
            Message = "the queue of 'minilm' is full",
            Details = { Any.Pack(new RetryInfo { RetryDelay = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(250)) }) },
        };

        RpcErrorReport.Write(error, "kazgrpc embed", status.ToRpcException(), json: false);

        Assert.Equal(["kazgrpc embed: RESOURCE_EXHAUSTED: the queue of 'minilm' is full", "  retry after 0.25 s"], Lines(error));
    }

    [Fact]
    public void Write_PlainStatus_CodeAndMessage()
    {
        using var error = new StringWriter();

        RpcErrorReport.Write(error, "kazgrpc models", new RpcException(new Grpc.Core.Status(StatusCode.Unavailable, "not ready")), json: false);

        Assert.Equal(["kazgrpc models: UNAVAILABLE: not ready"], Lines(error));
    }

    [Fact]
    public void Write_Json_GoogleApiErrorShapeWithTheDetails()
    {
        using var error = new StringWriter();

        RpcErrorReport.Write(error, "kazgrpc generate", BadRequestError(), json: true);

        using var document = JsonDocument.Parse(error.ToString());
        var body = document.RootElement.GetProperty("error");
        Assert.Equal(3, body.GetProperty("code").GetInt32());
        Assert.Equal("INVALID_ARGUMENT", body.GetProperty("status").GetString());
        Assert.Equal("`parameters.top_p` must be in (0, 1]; got 1.5", body.GetProperty("message").GetString());
        var detail = Assert.Single(body.GetProperty("details").EnumerateArray());
        Assert.Equal("type.googleapis.com/google.rpc.BadRequest", detail.GetProperty("@type").GetString());
        Assert.Equal(
            ["parameters.top_p", "parameters.temperature"],
            detail.GetProperty("fieldViolations").EnumerateArray().Select(v => v.GetProperty("field").GetString()));
    }

    private static RpcException BadRequestError() => new Google.Rpc.Status
    {
        Code = (int)Code.InvalidArgument,
        Message = "`parameters.top_p` must be in (0, 1]; got 1.5",
        Details =
        {
            Any.Pack(new BadRequest
            {
                FieldViolations =
                {
                    new BadRequest.Types.FieldViolation { Field = "parameters.top_p", Description = "`parameters.top_p` must be in (0, 1]; got 1.5" },
                    new BadRequest.Types.FieldViolation { Field = "parameters.temperature", Description = "`parameters.temperature` must be at most 2; got 3" },
                },
            }),
        },
    }.ToRpcException();

    private static string[] Lines(StringWriter writer) => writer.ToString().Split(Environment.NewLine, StringSplitOptions.RemoveEmptyEntries);
}
