namespace KazGrpc.Bench.Text;

/// <summary>
/// Picks strings with fixed relative weights in O(1): each item is repeated in a table as often as
/// its weight. Weights are small integers (letter or syllable frequencies in per mille or so).
/// </summary>
internal sealed class WeightedChoice
{
    private readonly string[] _table;

    /// <summary>Parses <c>"item weight, item weight, ..."</c>; an item without a weight weighs 1.</summary>
    public WeightedChoice(string spec)
    {
        var table = new List<string>();
        foreach (var entry in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = entry.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var weight = parts.Length > 1 ? int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
            var item = parts[0] == "-" ? string.Empty : parts[0];
            for (var i = 0; i < weight; i++)
            {
                table.Add(item);
            }
        }

        if (table.Count == 0)
        {
            throw new ArgumentException("a weighted choice needs at least one item", nameof(spec));
        }

        _table = [.. table];
    }

    /// <summary>One item, drawn with <paramref name="random"/>.</summary>
    public string Next(Random random) => _table[random.Next(_table.Length)];
}
