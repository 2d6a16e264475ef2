namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>One alternative at a generated position.</summary>
internal sealed record ChatTopLogprob(string Token, float Logprob)
{
    public int[]? Bytes { get; }
}
