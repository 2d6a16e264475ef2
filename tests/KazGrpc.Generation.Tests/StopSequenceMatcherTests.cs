namespace KazGrpc.Generation.Tests;

/// <summary>The matcher on whole and cut-up text; the cut-up cases must give what the whole text gives.</summary>
public sealed class StopSequenceMatcherTests
{
    [Fact]
    public void Append_StopInsideOnePiece_EmitsTheTextBeforeIt()
    {
        var matcher = new StopSequenceMatcher(["END"]);

        var match = matcher.Append("hello END world");

        Assert.Equal(new StopMatch("hello ", "END"), match);
        Assert.True(match.Stopped);
        Assert.True(matcher.Stopped);
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Append_StopAcrossTwoPieces_HoldsItsStartThenStops()
    {
        var matcher = new StopSequenceMatcher(["END"]);

        Assert.Equal(new StopMatch("hello ", null), matcher.Append("hello E"));
        Assert.Equal(new StopMatch("", "END"), matcher.Append("ND more"));
    }

    [Fact]
    public void Append_StopAcrossThreePieces_EmitsOnlyTheTextBeforeIt()
    {
        var matcher = new StopSequenceMatcher(["bcde"]);

        Assert.Equal(new StopMatch("a", null), matcher.Append("ab"));
        Assert.Equal(new StopMatch("", null), matcher.Append("cd"));
        Assert.Equal(new StopMatch("", "bcde"), matcher.Append("ef"));
    }

    [Fact]
    public void Append_PrefixThatDiverges_ReleasesTheHeldText()
    {
        var matcher = new StopSequenceMatcher(["</s>"]);

        Assert.Equal(new StopMatch("x ", null), matcher.Append("x </"));
        Assert.Equal(new StopMatch("</b> y", null), matcher.Append("b> y"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Append_RepeatedPrefixCharacters_HoldsOnlyTheSuffixThatCanStillMatch()
    {
        var matcher = new StopSequenceMatcher(["aab"]);

        // "aaa": only the last "aa" can begin "aab".
        Assert.Equal(new StopMatch("a", null), matcher.Append("aaa"));
        Assert.Equal(new StopMatch("", "aab"), matcher.Append("b"));
    }

    [Fact]
    public void Append_StopsWithOverlappingPrefixes_HoldsForTheLongestAndStopsAtTheOneThatCompletes()
    {
        var matcher = new StopSequenceMatcher(["abcd", "bcx"]);

        Assert.Equal(new StopMatch("", null), matcher.Append("ab"));
        Assert.Equal(new StopMatch("", null), matcher.Append("c"));
        Assert.Equal(new StopMatch("a", "bcx"), matcher.Append("x"));
    }

    [Fact]
    public void Append_TwoStopsInOnePiece_TheOneEndingFirstWins()
    {
        var matcher = new StopSequenceMatcher(["world", "lo w"]);

        Assert.Equal(new StopMatch("hel", "lo w"), matcher.Append("hello world"));
    }

    [Fact]
    public void Append_StopsEndingTogether_TheLongerWins()
    {
        var matcher = new StopSequenceMatcher(["b", "ab"]);

        Assert.Equal(new StopMatch("x", "ab"), matcher.Append("xab"));
    }

    [Theory]
    [InlineData("Сәлем, әлем! Сау болыңыз", new[] { "Сау бол", "әлем!!" }, "Сәлем, әлем! ", "Сау бол")]
    [InlineData("Қазақстан 🇰🇿 — ел 👋🏽 end", new[] { "👋🏽", "ел 👋🏾" }, "Қазақстан 🇰🇿 — ел ", "👋🏽")]
    [InlineData("no stop here, ақ жол", new[] { "жолдар", "STOP" }, "no stop here, ақ жол", null)]
    [InlineData("abcabcabd", new[] { "abd", "cabx" }, "abcabc", "abd")]
    [InlineData("xabcd", new[] { "abcd", "bc" }, "xa", "bc")]
    public void Append_AnySplitIntoPieces_SameResultAsOnePiece(string text, string[] stops, string expectedText, string? expectedStop)
    {
        // Every way to cut the text into up to four pieces between whole characters (never inside a
        // surrogate pair), and into single characters.
        var cuts = Enumerable.Range(1, text.Length - 1).Where(i => !char.IsLowSurrogate(text[i])).ToArray();
        var splits = new List<int[]> { Array.Empty<int>(), cuts };
        foreach (var a in cuts)
        {
            splits.Add([a]);
            foreach (var b in cuts.Where(b => b > a))
            {
                splits.Add([a, b]);
                splits.AddRange(cuts.Where(c => c > b).Select(c => new[] { a, b, c }));
            }
        }

        foreach (var split in splits)
        {
            var pieces = Pieces(text, split);
            var matcher = new StopSequenceMatcher(stops);
            var emitted = new List<string>();
            string? stop = null;
            foreach (var piece in pieces)
            {
                var match = matcher.Append(piece);
                emitted.Add(match.Text);
                stop ??= match.StopString;
            }

            emitted.Add(matcher.Flush());
            Assert.Equal(expectedText, string.Concat(emitted));
            Assert.Equal(expectedStop, stop);
            Assert.All(emitted, e => Assert.False(e.Length > 0 && char.IsHighSurrogate(e[^1]), $"split [{string.Join(", ", split)}] emitted half a surrogate pair"));
        }
    }

    [Fact]
    public void Append_EmojiSharingAHighSurrogateWithTheStop_IsReleasedWhole()
    {
        // 😁 and 😀 share their high surrogate; only a whole 😀 begins the stop string.
        var matcher = new StopSequenceMatcher(["😀!"]);

        Assert.Equal(new StopMatch("hi 😁", null), matcher.Append("hi 😁"));
        Assert.Equal(new StopMatch("", null), matcher.Append("😀"));
        Assert.Equal(new StopMatch("😀?", null), matcher.Append("?"));
        Assert.Equal(new StopMatch("", null), matcher.Append("😀"));
        Assert.Equal(new StopMatch("", "😀!"), matcher.Append("!"));
    }

    [Fact]
    public void Flush_AtTheEnd_ReturnsTheHeldText()
    {
        var matcher = new StopSequenceMatcher(["</s>"]);

        Assert.Equal(new StopMatch("see you ", null), matcher.Append("see you </"));
        Assert.Equal("</", matcher.Flush());
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Append_EmptyPieces_ChangeNothing()
    {
        var matcher = new StopSequenceMatcher(["stop"]);

        Assert.Equal(new StopMatch("", null), matcher.Append(""));
        Assert.Equal(new StopMatch("go ", null), matcher.Append("go st"));
        Assert.Equal(new StopMatch("", null), matcher.Append(""));
        Assert.Equal(new StopMatch("", "stop"), matcher.Append("op"));
    }

    [Fact]
    public void Append_AfterAStop_EmitsNothingMore()
    {
        var matcher = new StopSequenceMatcher(["."]);
        matcher.Append("One. Two");

        Assert.Equal(new StopMatch("", "."), matcher.Append(" three"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Append_NoStopStrings_PassesEveryPieceThrough()
    {
        var matcher = new StopSequenceMatcher([]);

        Assert.Equal(new StopMatch("any text", null), matcher.Append("any text"));
        Assert.Equal("", matcher.Flush());
    }

    [Fact]
    public void Constructor_EmptyOrMalformedStop_Throws()
    {
        // Built at run time: attribute arguments would turn a lone surrogate into U+FFFD.
        string[] malformed = ["", "a" + (char)0xD83D, (char)0xDE00 + "b"];

        Assert.All(malformed, stop =>
        {
            var exception = Assert.Throws<ArgumentException>(() => new StopSequenceMatcher(["ok", stop]));
            Assert.Equal("stopStrings", exception.ParamName);
        });
    }

    private static string[] Pieces(string text, int[] cuts)
    {
        var pieces = new List<string>();
        var start = 0;
        foreach (var cut in cuts)
        {
            pieces.Add(text[start..cut]);
            start = cut;
        }

        pieces.Add(text[start..]);
        return [.. pieces];
    }
}
