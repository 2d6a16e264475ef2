namespace KazGrpc.Text.Tests;

public sealed class SensitiveNumbersTests
{
    // Synthetic numbers with valid check digits: IINs of 1988-01-01 (7th digit 3), 1995-12-31 (4) and
    // 2003-06-25 (5, the 21st century); one whose check digit needs the second weights; BINs of a
    // resident (4) and a non-resident (6) legal entity.
    [Theory]
    [InlineData("880101300123", SensitiveNumberKind.Iin)]
    [InlineData("951231400568", SensitiveNumberKind.Iin)]
    [InlineData("030625500076", SensitiveNumberKind.Iin)]
    [InlineData("880101300111", SensitiveNumberKind.Iin)]
    [InlineData("190540001230", SensitiveNumberKind.Bin)]
    [InlineData("210860123452", SensitiveNumberKind.Bin)]
    public void Classify_ValidNumbers_Kind(string digits, SensitiveNumberKind kind) =>
        Assert.Equal(kind, IdentificationNumber.Classify(digits));

    [Theory]
    [InlineData("880101300124")] // check digit 4, not 3
    [InlineData("880101300100")] // no check digit exists: both weightings give 10
    [InlineData("881315300126")] // valid check digit, month 13
    [InlineData("880100300124")] // day 00 (check digit valid for these 11 digits: 4)
    [InlineData("190570001234")] // BIN layout with a 6th digit of 7
    [InlineData("12345678901")] // 11 digits
    public void Classify_LookAlikes_Null(string digits) => Assert.Null(IdentificationNumber.Classify(digits));

    // The look-alikes above fail for the reason their comments give, not by chance on another rule:
    // those rejected for their layout carry the valid check digit, the others a wrong or none.
    [Theory]
    [InlineData("880101300124", 3)]
    [InlineData("880101300100", -1)]
    [InlineData("881315300126", 6)]
    [InlineData("880100300124", 4)]
    [InlineData("190570001234", 4)]
    public void CheckDigit_LookAlikes_AsTheirCommentsSay(string digits, int check) =>
        Assert.Equal(check, IdentificationNumber.CheckDigit(digits.AsSpan(0, 11)));

    [Fact]
    public void Find_KazakhAndRussianText_FindsIinBinAndPhones()
    {
        const string kazakh = "Менің ЖСН-ім 880101300123, телефоным +7 701 234 56 78, ұйымның БСН-і 190540001230.";
        const string russian = "ИИН 951231400568, тел. 8 (727) 123-45-67, заказ № 123456789012, счёт 8801013001234.";

        var inKazakh = SensitiveNumbers.Find(kazakh);
        var inRussian = SensitiveNumbers.Find(russian);

        Assert.Equal(
            [(SensitiveNumberKind.Iin, "880101300123"), (SensitiveNumberKind.Phone, "+7 701 234 56 78"), (SensitiveNumberKind.Bin, "190540001230")],
            inKazakh.Select(s => (s.Kind, kazakh.Substring(s.Start, s.Length))));
        Assert.Equal(
            [(SensitiveNumberKind.Iin, "951231400568"), (SensitiveNumberKind.Phone, "8 (727) 123-45-67")],
            inRussian.Select(s => (s.Kind, russian.Substring(s.Start, s.Length))));
    }

    [Theory]
    [InlineData("Тапсырыс нөмірі 123456789012 қабылданды.")] // 12 digits, invalid check digit
    [InlineData("ИИН 880101300124 указан с ошибкой.")] // invalid check digit
    [InlineData("Шот 18801013001231 ашылды.")] // a valid IIN inside 14 digits
    [InlineData("Москва: +7 916 123 45 67, 8 495 123 45 67.")] // Russian numbers
    [InlineData("Жыл 2024, сома 1 000 000 теңге.")]
    public void Find_LookAlikes_NothingFound(string text) => Assert.Empty(SensitiveNumbers.Find(text));

    [Fact]
    public void Mask_Spans_ReplacedByPlaceholders()
    {
        const string text = "ЖСН 880101300123, тел. 87012345678.";

        var masked = SensitiveNumbers.Mask(text, SensitiveNumbers.Find(text));

        Assert.Equal("ЖСН [IIN], тел. [PHONE].", masked);
    }
}
