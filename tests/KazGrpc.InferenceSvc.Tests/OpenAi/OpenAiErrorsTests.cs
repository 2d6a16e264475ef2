using System.Text.Json;
using KazGrpc.Core;
using KazGrpc.InferenceSvc.OpenAi;

namespace KazGrpc.InferenceSvc.Tests.OpenAi;

/// <summary>The mapping of each domain error to OpenAI's status and error body (the functional tests
/// reach 400, 404, 429 and 504 through the service; the rest are hard to cause on purpose).</summary>
public sealed class OpenAiErrorsTests
{
    public static TheoryData<Exception, int, string, string?> Errors => new()
    {
        { new NotReadyException("the tokenizer (tokenizer-svc at http://127.0.0.1:1/) is unreachable"), 503, "server_error", "service_unavailable" },
        { new DeadlineExceededException("waited too long"), 504, "server_error", "timeout" },
        { new ExecutionFailedException("the model failed"), 500, "server_error", "internal_error" },
        { new InvalidOperationException("a bug"), 500, "server_error", "internal_error" },
        { new AlreadyExistsException("request", "r1", "request_id"), 409, "invalid_request_error", "request_id_in_use" },
        { new OverloadedException("full", TimeSpan.FromMilliseconds(1500)), 429, "rate_limit_error", "rate_limit_exceeded" },
        { new ResourceNotFoundException("model", "nope", ["kaz-tiny"]), 404, "invalid_request_error", "model_not_found" },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void From_DomainError_StatusTypeAndCode(Exception exception, int status, string type, string? code)
    {
        var failure = OpenAiErrors.From(exception, "e1", ParameterNames.Chat("max_tokens"));

        Assert.Equal((status, type, code), (failure.HttpStatus, failure.Body.Type, failure.Body.Code));
    }

    [Fact]
    public void From_Unexpected_MessageHasTheErrorIdAndNotTheException()
    {
        var failure = OpenAiErrors.From(new InvalidOperationException("secret detail"), "abc123", ParameterNames.Chat("max_tokens"));

        Assert.Equal("internal error (error id abc123); the server log has the details", failure.Body.Message);
    }

    [Fact]
    public void From_AlreadyExists_NamesTheHeader()
    {
        var failure = OpenAiErrors.From(new AlreadyExistsException("request", "r1", "request_id"), "e1", ParameterNames.Chat("max_tokens"));

        Assert.Equal("a request with `x-request-id` 'r1' is already running; use another id or wait for it to end", failure.Body.Message);
        Assert.Equal("x-request-id", failure.Body.Param);
    }

    [Fact]
    public void From_Overloaded_RetryAfterFromTheDomain()
    {
        var failure = OpenAiErrors.From(new OverloadedException("full", TimeSpan.FromMilliseconds(1500)), "e1", ParameterNames.Chat("max_tokens"));

        Assert.Equal(TimeSpan.FromMilliseconds(1500), failure.RetryAfter);
    }

    [Fact]
    public void From_JsonOfTheWrongType_NamesTheMember()
    {
        var error = Assert.ThrowsAny<JsonException>(() => JsonSerializer.Deserialize("""{"max_tokens":"many"}""", OpenAiJsonContext.Api.ChatCompletionRequest));

        var failure = OpenAiErrors.From(error, "e1", ParameterNames.Chat("max_tokens"));

        Assert.Equal((400, "max_tokens"), (failure.HttpStatus, failure.Body.Param));
    }

    [Theory]
    [InlineData("parameters.max_new_tokens", "max_completion_tokens")]
    [InlineData("parameters.logprobs", "top_logprobs")]
    [InlineData("parameters.stop[2]", "stop[2]")]
    [InlineData("prompt", "messages")]
    [InlineData("messages[1].role", "messages[1].role")]
    [InlineData("request_id", "x-request-id")]
    public void ChatNames_DomainField_OpenAiParameter(string field, string parameter)
    {
        Assert.Equal(parameter, ParameterNames.Chat("max_completion_tokens").Field(field));
    }

    [Fact]
    public void ChatNames_Message_RenamesQuotedAndBareLimits()
    {
        var names = ParameterNames.Chat("max_tokens");

        Assert.Equal("`min_tokens` must be <= max_tokens (4); got 6", names.Message("`parameters.min_new_tokens` must be <= max_new_tokens (4); got 6"));
    }
}
