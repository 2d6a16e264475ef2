namespace KazGrpc.Generation;

/// <summary>A token id with a score (a logit or an unnormalised probability) while candidates are selected.</summary>
internal readonly record struct ScoredToken(int Id, float Value)
{
    /// <summary>Orders the better first: higher value, then lower id.</summary>
    public static int BetterFirst(ScoredToken a, ScoredToken b)
    {
        var byValue = b.Value.CompareTo(a.Value);
        return byValue != 0 ? byValue : a.Id.CompareTo(b.Id);
    }

    /// <summary>True when <paramref name="a"/> ranks below <paramref name="b"/>.</summary>
    public static bool IsWorse(ScoredToken a, ScoredToken b) =>
        a.Value < b.Value || (a.Value == b.Value && a.Id > b.Id);
}
