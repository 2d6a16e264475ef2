namespace KazGrpc.Generation;

/// <summary>
/// Finds stop strings in decoded text that arrives in pieces, across piece boundaries, and says
/// which text is safe to emit: text that can no longer be the start of a stop string. The rest is
/// held back until later pieces rule a stop out (or <see cref="Flush"/> ends the text).
/// </summary>
/// <remarks>
/// Matching is ordinal (UTF-16 code units). When several stop strings occur, the one that ends
/// first wins (the first a reader would see completed), and of those ending at the same place the
/// longest; this makes the result the same however the text is cut into pieces. Pieces must be whole
/// characters (a surrogate pair never split between two pieces); stop strings must be well-formed,
/// so emitted text never splits a pair either. The service bounds the stop strings (at most 8, each
/// at most 256 UTF-8 bytes); the held-back text is shorter than the longest. One instance belongs to
/// one sequence and is not thread-safe.
/// </remarks>
public sealed class StopSequenceMatcher
{
    private readonly string[] _stops;
    private string _held = string.Empty;
    private string? _stopped;

    /// <summary>Creates a matcher for one sequence.</summary>
    /// <param name="stopStrings">The stop strings; none (the default for a request) makes every
    /// piece pass straight through.</param>
    /// <exception cref="ArgumentException">A stop string is null or empty, or holds a lone surrogate.</exception>
    public StopSequenceMatcher(IEnumerable<string> stopStrings)
    {
        ArgumentNullException.ThrowIfNull(stopStrings);
        _stops = [.. stopStrings];
        foreach (var stop in _stops)
        {
            if (string.IsNullOrEmpty(stop))
            {
                throw new ArgumentException("A stop string must not be null or empty.", nameof(stopStrings));
            }

            if (HasLoneSurrogate(stop))
            {
                throw new ArgumentException("A stop string must not hold a lone surrogate.", nameof(stopStrings));
            }
        }
    }

    /// <summary>True once a stop string has been found.</summary>
    public bool Stopped => _stopped is not null;

    /// <summary>
    /// Adds the next piece of decoded text. Once a stop string has been found, every later call
    /// returns empty text with that stop string again.
    /// </summary>
    /// <param name="piece">The next decoded text; may be empty.</param>
    /// <returns>The text safe to emit now, and the stop string if one has been found.</returns>
    public StopMatch Append(string piece)
    {
        ArgumentNullException.ThrowIfNull(piece);
        if (_stopped is not null)
        {
            return new StopMatch(string.Empty, _stopped);
        }

        if (_stops.Length == 0)
        {
            return new StopMatch(piece, null);
        }

        var text = _held.Length == 0 ? piece : string.Concat(_held, piece);
        var (start, stop) = FirstCompleted(text);
        if (stop is not null)
        {
            _stopped = stop;
            _held = string.Empty;
            return new StopMatch(text[..start], stop);
        }

        var keep = text.Length - LongestHeldSuffix(text);
        _held = text[keep..];
        return new StopMatch(text[..keep], null);
    }

    /// <summary>
    /// Ends the text: returns what was held back (no stop string can complete any more) and clears
    /// it. Empty once a stop string has been found.
    /// </summary>
    public string Flush()
    {
        var held = _held;
        _held = string.Empty;
        return held;
    }

    /// <summary>The occurrence that ends first (then the longest); (0, null) when none.</summary>
    private (int Start, string? Stop) FirstCompleted(string text)
    {
        var bestEnd = int.MaxValue;
        var bestStart = 0;
        string? best = null;
        foreach (var stop in _stops)
        {
            var at = text.IndexOf(stop, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var end = at + stop.Length;
            if (end < bestEnd || (end == bestEnd && at < bestStart))
            {
                (bestEnd, bestStart, best) = (end, at, stop);
            }
        }

        return (bestStart, best);
    }

    /// <summary>Length of the longest suffix of <paramref name="text"/> that begins some stop string.</summary>
    private int LongestHeldSuffix(string text)
    {
        var longest = 0;
        var last = text.Length > 0 ? text[^1] : '\0';
        foreach (var stop in _stops)
        {
            for (var length = Math.Min(stop.Length - 1, text.Length); length > longest; length--)
            {
                if (stop[length - 1] == last && text.AsSpan(text.Length - length).SequenceEqual(stop.AsSpan(0, length)))
                {
                    longest = length;
                    break;
                }
            }
        }

        return longest;
    }

    private static bool HasLoneSurrogate(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                return true;
            }
        }

        return false;
    }
}
