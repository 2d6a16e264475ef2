namespace KazGrpc.Text;

/// <summary>
/// What a service does with the sensitive numbers (<see cref="SensitiveNumbers"/>) in a request's
/// text. Ordered by strictness: a request may ask for a stricter policy than its caller's, never a
/// laxer one (<see cref="SensitiveNumberGuard.Stricter"/>).
/// </summary>
public enum SensitiveNumberPolicy
{
    /// <summary>The text goes to the model as it is.</summary>
    Allow = 0,

    /// <summary>Each number is replaced by its placeholder (<see cref="SensitiveSpan.Placeholder"/>) before tokenizing: the model never sees it.</summary>
    Mask = 1,

    /// <summary>A text that holds one is refused with INVALID_ARGUMENT naming the field and the position.</summary>
    Reject = 2,
}
