namespace KazGrpc.Bench.Text;

/// <summary>
/// The built-in language profiles. Frequencies are rough letter and syllable frequencies of each
/// language (relative weights), enough for text whose byte mix and word shapes resemble real text.
/// </summary>
internal static class LanguageProfiles
{
    private const string KazakhBackVowels = "аоұы";
    private const string KazakhFrontVowels = "әөүіеи";

    /// <summary>Kazakh: vowel harmony (back/front) decides vowels, қ/к and ғ/г, and the ending forms.</summary>
    public static LanguageProfile Kazakh { get; } = new()
    {
        Code = "kk",
        FunctionWords = new("және 20, мен 6, бұл 10, сол 4, осы 8, үшін 8, туралы 5, бойынша 5, арқылы 4, да 5, де 5, бар 4, жоқ 2, "
            + "болып 5, болады 5, емес 3, ол 6, біз 3, олар 3, қазір 2, тағы 2, ең 3, көп 3, әр 3"),
        Stems =
        [
            "мемлекет", "қызмет", "азамат", "үкімет", "білім", "ғылым", "жұмыс", "бала", "қала", "өтініш", "анықтама", "жол", "тіл",
            "ел", "жер", "су", "кітап", "мектеп", "ауыл", "дәрігер", "ақша", "салық", "заң", "құжат", "жауап", "күн", "жыл", "уақыт",
            "адам", "отбасы", "денсаулық", "өнер", "мәдениет", "тарих", "байлық", "кәсіп", "нарық", "сауда", "өндіріс", "зауыт", "егін",
            "мал", "тау", "өзен", "көл", "дала", "халық", "ұлт", "мұғалім", "оқушы", "студент", "университет", "бағдарлама", "есеп",
            "қор", "банк", "несие", "тұрғын", "үй", "көлік", "жүргізуші", "сот", "әкім", "депутат", "сайлау", "бюджет", "қаржы",
            "ақпарат", "желі", "байланыс", "техника", "сала", "жоба", "қолдау", "даму", "өсу", "сапа", "баға",
        ],
        Onsets = new("т 40, с 28, қ 25, к 20, б 24, ж 22, д 20, м 22, н 15, л 12, р 8, ш 12, ғ 10, г 6, з 8, п 6, й 4, у 6, х 2, ф 1, - 30"),
        Codas = new("н 30, р 25, л 20, қ 12, к 10, с 12, т 15, м 10, ң 10, з 8, й 8, ш 6, п 3, у 6, - 70"),
        Vowels = [new("а 90, ы 40, о 25, ұ 20"), new("е 55, і 40, ә 15, ө 10, ү 12, и 4")],
        Endings =
        [
            new("лар 10, дар 6, тар 5, ның 8, дың 4, тың 3, да 8, та 4, ға 7, қа 4, на 4, ды 6, ты 3, ны 5, мен 5, нан 4, дан 4, тан 3, "
                + "ым 4, ың 4, сы 5, ы 5, лық 6, дық 3, шы 3, сыз 2, ған 4, ады 4, мыз 2, ба 1, ша 1, ай 1"),
            new("лер 10, дер 6, тер 5, нің 8, дің 4, тің 3, де 8, те 4, ге 7, ке 4, не 4, ді 6, ті 3, ні 5, мен 5, нен 4, ден 4, тен 3, "
                + "ім 4, ің 4, сі 5, і 5, лік 6, дік 3, ші 3, сіз 2, ген 4, еді 4, міз 2, бе 1, ше 1, ей 1"),
        ],
        MaxEndings = 3,
        HarmonyOf = static stem =>
        {
            for (var i = stem.Length - 1; i >= 0; i--)
            {
                if (KazakhBackVowels.Contains(stem[i], StringComparison.Ordinal))
                {
                    return 0;
                }

                if (KazakhFrontVowels.Contains(stem[i], StringComparison.Ordinal))
                {
                    return 1;
                }
            }

            return 0;
        },
        Harmonise = static (consonant, harmony) => (consonant, harmony) switch
        {
            ("қ", 1) => "к",
            ("ғ", 1) => "г",
            ("к", 0) => "қ",
            ("г", 0) => "ғ",
            _ => consonant,
        },
    };

    /// <summary>Russian: CV(C) syllables with Russian letter frequencies, one case or verb ending per word.</summary>
    public static LanguageProfile Russian { get; } = new()
    {
        Code = "ru",
        FunctionWords = new("и 35, в 30, не 15, на 20, с 12, что 10, по 10, для 8, это 6, как 6, от 5, к 5, о 4, из 5, за 5, также 3, "
            + "который 3, были 2, было 2, при 4, или 4, но 4, его 3, их 3, все 3, уже 2, если 2"),
        Stems =
        [
            "государств", "граждан", "услуг", "портал", "правительств", "обращени", "справк", "работ", "город", "закон", "документ",
            "налог", "школ", "врач", "деньг", "язык", "земл", "вод", "книг", "систем", "развити", "программ", "бюджет", "предприяти",
            "производств", "рынк", "банк", "кредит", "ресурс", "энерги", "информаци", "сет", "связ", "технологи", "образовани",
            "здравоохранени", "культур", "истори", "народ", "семь", "дет", "студент", "университет", "учител", "суд", "выбор",
            "депутат", "министерств", "област", "район", "поддержк", "качеств", "цен", "рост", "дорог", "транспорт", "строительств",
            "жиль", "заявлени", "решени", "вопрос", "ответ", "отчёт", "пенси", "пособи", "оплат", "договор",
        ],
        Onsets = new("н 30, т 35, с 30, р 25, в 28, л 25, к 25, м 22, д 22, п 20, з 12, б 12, г 12, ч 10, ж 6, ш 5, х 5, ц 3, щ 2, ф 2, "
            + "ст 8, пр 8, тр 4, кр 3, гр 3, бр 2, др 2, сл 2, пл 2, св 3, сп 2, ск 2, - 30"),
        Codas = new("н 18, т 12, с 10, р 10, л 10, к 8, м 6, в 6, й 10, ст 4, ль 3, нь 3, ть 4, - 120"),
        Vowels = [new("о 110, е 85, а 80, и 74, ы 19, у 26, я 20, ю 6, э 2, ё 2")],
        Endings =
        [
            new("ого 6, ому 3, ами 4, ах 3, ый 5, ая 6, ое 4, ие 6, ия 5, ий 4, ть 6, ет 5, ют 3, ит 4, ение 5, ости 4, ость 4, ский 3, "
                + "ского 3, ской 3, ства 4, ство 3, ов 6, ам 3, ом 5, ой 5, е 8, а 10, и 10, у 6, ы 6, ется 2, ились 1, ировать 1, "
                + "ированный 1, - 10"),
        ],
        MaxEndings = 1,
    };

    /// <summary>English: onset-nucleus-coda syllables with English spellings, one derivational or inflectional ending.</summary>
    public static LanguageProfile English { get; } = new()
    {
        Code = "en",
        FunctionWords = new("the 60, of 30, and 28, to 25, in 20, a 20, is 10, for 9, on 6, with 6, that 8, by 5, as 5, it 6, are 5, "
            + "be 4, this 4, from 4, at 4, or 3, was 3, will 3, has 2, have 3, not 3, its 2, which 2, their 2"),
        Stems =
        [
            "build", "govern", "nation", "serv", "struct", "develop", "process", "request", "data", "model", "token", "comput",
            "learn", "product", "citizen", "record", "report", "market", "energy", "system", "network", "secur", "public", "health",
            "educat", "transport", "financ", "budget", "bank", "credit", "resource", "inform", "technolog", "cultur", "histor",
            "communit", "famil", "student", "universit", "teach", "court", "elect", "minist", "region", "district", "support",
            "qualit", "price", "growth", "road", "construct", "hous", "applic", "decis", "question", "answer", "pension", "payment",
            "contract", "agree", "operat", "manag", "design", "deploy",
        ],
        Onsets = new("t 40, n 25, s 35, r 25, h 15, l 20, d 22, c 25, m 20, f 15, p 18, g 12, b 15, w 12, v 8, k 5, j 2, y 3, z 1, "
            + "th 15, sh 6, ch 6, st 8, tr 5, pr 6, pl 3, bl 2, br 3, cl 2, cr 3, dr 2, fl 2, fr 3, gr 3, sp 3, sc 2, str 2, wh 3, qu 2, - 35"),
        Codas = new("n 25, r 20, s 18, t 20, l 15, d 12, m 8, ng 8, nd 6, st 5, nt 6, ck 3, ch 2, sh 2, th 2, rt 3, rd 2, rs 2, ll 3, "
            + "ss 2, x 1, - 110"),
        Vowels = [new("a 80, e 100, i 70, o 75, u 28, ee 6, ea 8, oo 5, ai 4, ou 6, ie 3, oa 2, y 6")],
        Endings =
        [
            new("ing 10, ed 10, er 8, ers 4, ly 6, tion 6, tions 3, ness 2, ment 4, ments 2, able 2, est 1, s 20, es 4, ful 1, less 1, "
                + "ize 1, ized 1, ity 3, al 4, ic 2, ive 2, ous 2, - 20"),
        ],
        MaxEndings = 1,
    };

    /// <summary>Every profile: Kazakh, Russian, English.</summary>
    public static IReadOnlyList<LanguageProfile> All { get; } = [Kazakh, Russian, English];

    /// <summary>The profile of language <paramref name="code"/> (kk, ru, en), or null.</summary>
    public static LanguageProfile? For(string code) => All.FirstOrDefault(p => p.Code == code);
}
