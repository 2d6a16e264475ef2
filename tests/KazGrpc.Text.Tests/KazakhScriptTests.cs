using System.Text.RegularExpressions;

namespace KazGrpc.Text.Tests;

public sealed partial class KazakhScriptTests
{
    // Article 1 of the Universal Declaration of Human Rights, and its 2021 Latin spelling.
    private const string Article1 = "Барлық адамдар тумысынан азат және қадір-қасиеті мен құқықтары тең болып дүниеге келеді. "
        + "Адамдарға ақыл-парасат, ар-ождан берілген, сондықтан олар бір-бірімен туыстық, бауырмалдық қарым-қатынас жасаулары тиіс.";

    private const string Article1Latin = "Barlyq adamdar tumysynan azat jäne qadır-qasietı men qūqyqtary teñ bolyp düniege keledı. "
        + "Adamdarğa aqyl-parasat, ar-ojdan berılgen, sondyqtan olar bır-bırımen tuystyq, bauyrmaldyq qarym-qatynas jasaulary tiıs.";

    // Letters of Russian loanwords, and the pairs the Latin alphabet writes with one letter (х/һ).
    private static readonly System.Buffers.SearchValues<char> LoanLetters = System.Buffers.SearchValues.Create("ёцчщъьэюяхһЁЦЧЩЪЬЭЮЯХҺ");

    [Fact]
    public void ToLatin_Article1_IsThe2021Spelling()
    {
        Assert.Equal(Article1Latin, KazakhScript.ToLatin(Article1));
        Assert.Equal(Article1, KazakhScript.ToCyrillic(Article1Latin));
    }

    [Theory]
    [InlineData("Даңқымыз шықты ғой", "Dañqymyz şyqty ğoi")]
    [InlineData("ҚАЗАҚСТАН РЕСПУБЛИКАСЫ", "QAZAQSTAN RESPUBLİKASY")]
    [InlineData("Ірі Иә Үй Өзен Ұлт Әке Ғалым Ңң", "Irı İä Üi Özen Ūlt Äke Ğalym Ññ")]
    [InlineData("сиыр, қайың, ай, киім", "siyr, qaiyñ, ai, kiım")]
    public void ToLatinAndBack_NativeWords_Unchanged(string cyrillic, string latin)
    {
        Assert.Equal(latin, KazakhScript.ToLatin(cyrillic));
        Assert.Equal(cyrillic, KazakhScript.ToCyrillic(latin));
    }

    [Theory]
    [InlineData("Декларациясы", "Deklaratsiiasy", "Декларатсийасы")]
    [InlineData("Юрий Чехов", "İurii Chehov", "Иурий Чехов")]
    [InlineData("ащы", "aşşy", "ашшы")]
    [InlineData("шаһар", "şahar", "шахар")]
    [InlineData("субъектісі", "subektısı", "субектісі")]
    [InlineData("ЮНЕСКО", "İUNESKO", "ИУНЕСКО")]
    public void ToLatinAndBack_LoanLetters_DoNotComeBack(string cyrillic, string latin, string back)
    {
        Assert.Equal(latin, KazakhScript.ToLatin(cyrillic));
        Assert.Equal(back, KazakhScript.ToCyrillic(latin));
    }

    [Fact]
    public void ToLatinAndBack_Udhr_EveryNativeWordUnchanged_OnlyLoanWordsChange()
    {
        var text = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "udhr-kk.txt"));
        var words = Word().Matches(text).Select(m => m.Value).Distinct(StringComparer.Ordinal).ToList();
        var native = words.Where(w => !w.AsSpan().ContainsAny(LoanLetters)).ToList();

        var back = KazakhScript.ToCyrillic(KazakhScript.ToLatin(text));

        Assert.True(native.Count > 400, $"only {native.Count} native words");
        Assert.All(native, w => Assert.Equal(w, KazakhScript.ToCyrillic(KazakhScript.ToLatin(w))));
        var changed = words.Where(w => KazakhScript.ToCyrillic(KazakhScript.ToLatin(w)) != w).ToList();
        Assert.All(changed, w => Assert.True(w.AsSpan().ContainsAny(LoanLetters), $"'{w}' changed"));
        Assert.NotEmpty(changed);
        Assert.Equal(Word().Replace(text, "w"), Word().Replace(back, "w"));
    }

    [Fact]
    public void Convert_OtherScriptsDigitsAndPunctuation_Unchanged()
    {
        const string other = "e-Gov 2024, № 15: «Hello» — 你好 😀";

        Assert.Equal(other, KazakhScript.ToLatin(other));
        Assert.Equal("е-Гов 2024, № 15: «Хелло» — 你好 😀", KazakhScript.ToCyrillic(other));
    }

    [Theory]
    [InlineData("Ja\u0308ne", "Және")]
    [InlineData("I\u0307a\u0308", "Иә")]
    [InlineData("ba\u0308i", "бәй")]
    [InlineData("Dan\u0303qymyz s\u0327yqty g\u0306oi", "Даңқымыз шықты ғой")]
    [InlineData("Qu\u0304qyq u\u0308i o\u0308zen", "Құқық үй өзен")]
    public void ToCyrillic_LettersTypedWithCombiningMarks_AsThePrecomposedLetters(string latin, string cyrillic)
    {
        Assert.Equal(cyrillic, KazakhScript.ToCyrillic(latin));
    }

    [Theory]
    [InlineData("қаи\u0306ың", "qaiyñ")]
    [InlineData("е\u0308лка", "iolka")]
    [InlineData("Е\u0308лка", "İolka")]
    [InlineData("Е\u0308ЛКА", "İOLKA")]
    public void ToLatin_LettersTypedWithCombiningMarks_AsThePrecomposedLetters(string cyrillic, string latin)
    {
        Assert.Equal(latin, KazakhScript.ToLatin(cyrillic));
    }

    [Fact]
    public void ToCyrillic_SourceIndex_MapsEachLetterToWhereItCameFrom()
    {
        var cyrillic = KazakhScript.ToCyrillic("Chempion a\u0308n", out var source);

        Assert.Equal("Чемпион ән", cyrillic);
        Assert.Equal([0, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12], source);
    }

    [Fact]
    public void Convert_Target_ConvertsToIt()
    {
        Assert.Equal(Article1Latin, KazakhScript.Convert(Article1, Script.Latin));
        Assert.Equal(Article1, KazakhScript.Convert(Article1Latin, Script.Cyrillic));
    }

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Word();
}
