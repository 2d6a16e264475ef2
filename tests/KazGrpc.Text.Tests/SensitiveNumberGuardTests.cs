using KazGrpc.Core;

namespace KazGrpc.Text.Tests;

public sealed class SensitiveNumberGuardTests
{
    private const string Kazakh = "Менің ЖСН-ім 880101300123, телефоным +7 701 234 56 78.";

    [Fact]
    public void Check_Reject_NamesFieldKindAndCodePointsButNotTheNumber()
    {
        var error = Assert.Throws<RequestValidationException>(() => SensitiveNumberGuard.Check(Kazakh, SensitiveNumberPolicy.Reject, "texts[1]", wanted: false));

        Assert.Equal("texts[1]", Assert.Single(error.Violations).Field);
        Assert.StartsWith("`texts[1]` holds an IIN at code points 13-25 (and 1 more); the caller's policy for identification and phone numbers is reject", error.Message);
        Assert.DoesNotContain("880101300123", error.Message);
        Assert.DoesNotContain("701", error.Message);
    }

    [Fact]
    public void Check_RejectWithoutNumbers_Passes()
    {
        Assert.Empty(SensitiveNumberGuard.Check("Тапсырыс нөмірі 123456789012, ИИН 880101300124 қате.", SensitiveNumberPolicy.Reject, "prompt", wanted: false));
    }

    [Fact]
    public void Check_AllowNotWanted_ReportsNothing()
    {
        Assert.Empty(SensitiveNumberGuard.Check(Kazakh, SensitiveNumberPolicy.Allow, "prompt", wanted: false));
        Assert.Equal(2, SensitiveNumberGuard.Check(Kazakh, SensitiveNumberPolicy.Allow, "prompt", wanted: true).Count);
    }

    [Theory]
    [InlineData(SensitiveNumberPolicy.Allow, SensitiveNumberPolicy.Mask, SensitiveNumberPolicy.Mask)]
    [InlineData(SensitiveNumberPolicy.Mask, SensitiveNumberPolicy.Allow, SensitiveNumberPolicy.Mask)]
    [InlineData(SensitiveNumberPolicy.Reject, SensitiveNumberPolicy.Mask, SensitiveNumberPolicy.Reject)]
    [InlineData(SensitiveNumberPolicy.Allow, SensitiveNumberPolicy.Allow, SensitiveNumberPolicy.Allow)]
    public void Stricter_TakesTheStricter(SensitiveNumberPolicy caller, SensitiveNumberPolicy request, SensitiveNumberPolicy expected) =>
        Assert.Equal(expected, SensitiveNumberGuard.Stricter(caller, request));

    [Fact]
    public void CodePoints_AfterAnAstralCharacter_CountsItOnce()
    {
        const string text = "😀 ИИН 951231400568";

        var span = Assert.Single(SensitiveNumbers.Find(text));

        Assert.Equal((6, 18), span.CodePoints(text));
        Assert.Equal(7, span.Start);
    }

    [Theory]
    [InlineData("req-880101300123", "req-[IIN]")]
    [InlineData("тел 8 (727) 123-45-67", "тел [PHONE]")]
    [InlineData("order-123456789012", "order-123456789012")] // invalid check digit: not an IIN
    [InlineData("gen-0f3a9c", "gen-0f3a9c")]
    [InlineData("", "")]
    public void Redact_MasksOnlySensitiveNumbers(string text, string expected) => Assert.Equal(expected, SensitiveNumbers.Redact(text));
}
