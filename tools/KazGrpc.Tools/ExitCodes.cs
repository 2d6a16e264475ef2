namespace KazGrpc.Tools;

/// <summary>The tool's exit codes.</summary>
internal static class ExitCodes
{
    /// <summary>The command did its work.</summary>
    public const int Success = 0;

    /// <summary>The command ran and failed; stderr says why.</summary>
    public const int Failure = 1;

    /// <summary>The command line was wrong; stderr says how.</summary>
    public const int Usage = 2;
}
