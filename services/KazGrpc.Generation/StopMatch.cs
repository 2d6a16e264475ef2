namespace KazGrpc.Generation;

/// <summary>What <see cref="StopSequenceMatcher.Append"/> found in a piece of text.</summary>
/// <param name="Text">Text that is safe to emit now (possibly empty). When a stop string was found,
/// everything before it that was not emitted earlier.</param>
/// <param name="StopString">The stop string that ended the text, or null when none has.</param>
public readonly record struct StopMatch(string Text, string? StopString)
{
    /// <summary>True once a stop string has been found: generation should end, and no more text follows.</summary>
    public bool Stopped => StopString is not null;
}
