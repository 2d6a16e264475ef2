namespace KazGrpc.Core;

/// <summary>The request is malformed or breaks a limit; maps to INVALID_ARGUMENT with field violations.</summary>
public sealed class RequestValidationException : KazGrpcException
{
    /// <summary>Creates the error for one violation.</summary>
    public RequestValidationException(string field, string description)
        : this([new FieldViolation(field, description)])
    {
    }

    /// <summary>Creates the error for one or more violations; the message joins their descriptions.</summary>
    public RequestValidationException(IReadOnlyList<FieldViolation> violations)
        : base(string.Join("; ", violations.Select(v => v.Description)))
    {
        ArgumentOutOfRangeException.ThrowIfZero(violations.Count);
        Violations = violations;
    }

    /// <summary>Every violation found, in field order.</summary>
    public IReadOnlyList<FieldViolation> Violations { get; }
}
