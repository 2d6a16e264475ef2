using System.Globalization;

namespace KazGrpc.Bench;

/// <summary>Settings of <c>bench tokenize</c>, parsed from its command line.</summary>
internal sealed class TokenizeBenchOptions
{
    /// <summary>Usage text.</summary>
    public const string Usage = """
        Usage: kazgrpc-bench tokenize [options]

        Measures tokenizer throughput (texts/s, MB/s of UTF-8 input, tokens/s) on freshly synthesised
        Kazakh, Russian and English sentences, in-process and through tokenizer-svc.

        Options:
          --tokenizer NAME     tokenizer to measure (default o200k_base)
          --duration SECONDS   measurement window per mode and language (default 5)
          --warmup SECONDS     warm-up before each window (default 1)
          --runs N             repeat the whole set N times and report medians (default 1)
          --concurrency N      concurrent unary callers over one channel (default 8)
          --in-flight N        requests outstanding on the TokenizeStream (default 16)
          --batch N            texts per batched call/stream request/in-process call (default 64)
          --workers N          encoders per tokenizer, in-process and in the in-process host (default: cores)
          --address HOST:PORT  measure a running tokenizer-svc instead of starting one in-process
          --models DIR         models directory (Tokenization:ModelsDirectory) for non-built-in tokenizers
          --languages LIST     comma-separated: kk,ru,en (default all)
          --modes LIST         comma-separated: inproc,unary1,unary,stream,inproc-repeat
                               (default inproc,unary1,unary,stream; inproc is always measured)
          --seed N             base seed of the text generator (default 1)
          --out FILE           JSON result file (default bench-results/tokenize-<timestamp>.json)
        """;

    /// <summary>Tokenizer name. Default o200k_base.</summary>
    public string Tokenizer { get; private set; } = "o200k_base";

    /// <summary>Measurement window per mode and language. Default 5 s.</summary>
    public TimeSpan Duration { get; private set; } = TimeSpan.FromSeconds(5);

    /// <summary>Warm-up before each window. Default 1 s.</summary>
    public TimeSpan Warmup { get; private set; } = TimeSpan.FromSeconds(1);

    /// <summary>Repetitions of the whole set. Default 1.</summary>
    public int Runs { get; private set; } = 1;

    /// <summary>Concurrent unary callers. Default 8.</summary>
    public int Concurrency { get; private set; } = 8;

    /// <summary>Requests outstanding on the stream. Default 16.</summary>
    public int InFlight { get; private set; } = 16;

    /// <summary>Texts per batched call. Default 64.</summary>
    public int Batch { get; private set; } = 64;

    /// <summary>Encoders per tokenizer. Default: the number of processors (as tokenizer-svc).</summary>
    public int Workers { get; private set; } = Environment.ProcessorCount;

    /// <summary>Address of a running tokenizer-svc; null starts one in-process. Default null.</summary>
    public Uri? Address { get; private set; }

    /// <summary>Models directory; null keeps the service default. Default null.</summary>
    public string? ModelsDirectory { get; private set; }

    /// <summary>Languages, in order. Default kk, ru, en.</summary>
    public IReadOnlyList<Language> Languages { get; private set; } = [Language.Kazakh, Language.Russian, Language.English];

    /// <summary>Modes, in order; in-process always first. Default <see cref="BenchModes.Default"/>.</summary>
    public IReadOnlyList<BenchMode> Modes { get; private set; } = BenchModes.Default;

    /// <summary>Base seed. Default 1.</summary>
    public ulong Seed { get; private set; } = 1;

    /// <summary>JSON result file. Default bench-results/tokenize-&lt;UTC timestamp&gt;.json.</summary>
    public string Out { get; private set; } = Path.Combine("bench-results", $"tokenize-{DateTime.UtcNow:yyyyMMdd-HHmmss}.json");

    /// <summary>Parses <paramref name="args"/> (the arguments after <c>tokenize</c>); throws <see cref="FormatException"/> naming the bad option.</summary>
    public static TokenizeBenchOptions Parse(IReadOnlyList<string> args)
    {
        var options = new TokenizeBenchOptions();
        OptionValues.Walk(args, (name, Value, argument) =>
        {

            switch (name)
            {
                case "--tokenizer":
                    options.Tokenizer = Value();
                    break;
                case "--duration":
                    options.Duration = OptionValues.Seconds(name, Value());
                    break;
                case "--warmup":
                    options.Warmup = OptionValues.Seconds(name, Value(), allowZero: true);
                    break;
                case "--runs":
                    options.Runs = OptionValues.Positive(name, Value());
                    break;
                case "--concurrency":
                    options.Concurrency = OptionValues.Positive(name, Value());
                    break;
                case "--in-flight":
                    options.InFlight = OptionValues.Positive(name, Value());
                    break;
                case "--batch":
                    options.Batch = OptionValues.Positive(name, Value());
                    break;
                case "--workers":
                    options.Workers = OptionValues.Positive(name, Value());
                    break;
                case "--address":
                    options.Address = OptionValues.Address(name, Value());
                    break;
                case "--models":
                    options.ModelsDirectory = Value();
                    break;
                case "--languages":
                    options.Languages = OptionValues.List(name, Value(), ParseLanguage);
                    break;
                case "--modes":
                    var modes = OptionValues.List(name, Value(), BenchModes.Parse);
                    options.Modes = [BenchMode.InProcess, .. modes.Where(m => m != BenchMode.InProcess)];
                    break;
                case "--seed":
                    options.Seed = OptionValues.Seed(name, Value());
                    break;
                case "--out":
                    options.Out = Value();
                    break;
                default:
                    throw new FormatException($"unknown option '{argument}'");
            }
        });

        return options;
    }

    private static Language? ParseLanguage(string code) =>
        Enum.GetValues<Language>().Cast<Language?>().FirstOrDefault(l => LanguageProfiles.For(l!.Value).Code == code);
}
