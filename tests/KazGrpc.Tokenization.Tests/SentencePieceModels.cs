using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace KazGrpc.Tokenization.Tests;

/// <summary>
/// Real SentencePiece models, trained at test time by Debian's <c>spm_train</c> (package
/// <c>sentencepiece</c>) on the test corpus plus generated sentences, in a temporary directory;
/// and Google's own encoder (Debian's <c>python3-sentencepiece</c>) as the reference for ids.
/// SentencePiece models cannot be downloaded here, and training takes under a second.
/// </summary>
public sealed class SentencePieceModels : IDisposable
{
    /// <summary>Llama-like: BPE, byte fallback, identity normalisation, whitespace kept, a control symbol.</summary>
    public const string Bpe = "bpe";

    /// <summary>Gemma-like: unigram, byte fallback, identity normalisation, no dummy prefix.</summary>
    public const string UnigramBytes = "unigram-bytes";

    /// <summary>T5/ALBERT-like: unigram with SentencePiece's defaults (nmt_nfkc, extra whitespace
    /// removed, no byte fallback, so unknown characters), and a padding piece.</summary>
    public const string UnigramNfkc = "unigram-nfkc";

    /// <summary>BPE with SentencePiece's default nmt_nfkc normaliser, which Microsoft.ML.Tokenizers'
    /// BPE does not apply (a known difference).</summary>
    public const string BpeNfkc = "bpe-nfkc";

    /// <summary>XLM-RoBERTa-like: unigram with SentencePiece's defaults (nmt_nfkc, unk 0, bos 1, eos 2,
    /// no padding piece), as the <c>sentencepiece.bpe.model</c> that fairseq renumbers.</summary>
    public const string XlmRoberta = "xlm-roberta";

    private static readonly Dictionary<string, string> Options = new(StringComparer.Ordinal)
    {
        [Bpe] = "--model_type=bpe --vocab_size=600 --byte_fallback=true --normalization_rule_name=identity "
            + "--remove_extra_whitespaces=false --character_coverage=0.995 --control_symbols=<ctrl>",
        [UnigramBytes] = "--model_type=unigram --vocab_size=700 --byte_fallback=true --normalization_rule_name=identity "
            + "--remove_extra_whitespaces=false --add_dummy_prefix=false --character_coverage=0.995",
        [UnigramNfkc] = "--model_type=unigram --vocab_size=400 --character_coverage=0.995 --pad_id=3 --pad_piece=<pad>",
        [BpeNfkc] = "--model_type=bpe --vocab_size=400 --character_coverage=0.995",
        [XlmRoberta] = "--model_type=unigram --vocab_size=500 --character_coverage=0.9995",
    };

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("kazgrpc-spm-");
    private readonly string _python;
    private readonly Dictionary<string, HashSet<int>> _bytePieces = new(StringComparer.Ordinal);

    public SentencePieceModels()
    {
        var spmTrain = FindOnPath("spm_train")
            ?? throw new InvalidOperationException("spm_train was not found on PATH; ./test.sh installs the Debian package sentencepiece (tests/apt-packages.txt).");
        _python = new[] { "/usr/bin/python3", "python3" }.FirstOrDefault(p => Run(p, ["-c", "import sentencepiece"], null, out _, out _) == 0)
            ?? throw new InvalidOperationException("no python3 can import sentencepiece; ./test.sh installs the Debian package python3-sentencepiece (tests/apt-packages.txt).");

        var corpus = Path.Combine(_directory.FullName, "train.txt");
        File.WriteAllLines(corpus, TrainingText());
        Parallel.ForEach(Options, model =>
        {
            string[] arguments =
            [
                $"--input={corpus}", $"--model_prefix={Path.Combine(_directory.FullName, model.Key)}",
                "--hard_vocab_limit=false", "--num_threads=1", "--minloglevel=2", .. model.Value.Split(' '),
            ];
            if (Run(spmTrain, arguments, null, out _, out var error) != 0)
            {
                throw new InvalidOperationException($"spm_train failed for {model.Key}: {error}");
            }
        });

        foreach (var model in Options.Keys)
        {
            var pieces = SentencePieceModel.Parse(File.ReadAllBytes(PathOf(model))).Pieces;
            _bytePieces[model] = [.. Enumerable.Range(0, pieces.Count).Where(id => pieces[id].Type == SentencePieceType.Byte)];
        }
    }

    public static TheoryData<string> All => [Bpe, UnigramBytes, UnigramNfkc];

    public static TheoryData<string> WithByteFallback => [Bpe, UnigramBytes];

    /// <summary>Path of the <c>.model</c> file of <paramref name="model"/>.</summary>
    public string PathOf(string model) => Path.Combine(_directory.FullName, model + ".model");

    /// <summary>Ids of the byte-fallback pieces <c>&lt;0x00&gt;</c> to <c>&lt;0xFF&gt;</c>.</summary>
    public IReadOnlySet<int> BytePieces(string model) => _bytePieces[model];

    /// <summary>A fresh directory for a test.</summary>
    public string CreateDirectory(string name) => Directory.CreateDirectory(Path.Combine(_directory.FullName, name)).FullName;

    /// <summary>Ids from Google's SentencePiece for each text (no BOS/EOS).</summary>
    public IReadOnlyList<int[]> ReferenceIds(string model, IReadOnlyList<string> texts) =>
        Reference<int[]>(model, "print(json.dumps([sp.encode(t) for t in json.loads(sys.stdin.read())]))", texts);

    /// <summary>Google's SentencePiece decoding of each id sequence.</summary>
    public IReadOnlyList<string> ReferenceDecode(string model, IReadOnlyList<int[]> ids) =>
        Reference<string>(model, "print(json.dumps([sp.decode(i) for i in json.loads(sys.stdin.read())]))", ids);

    public void Dispose() => _directory.Delete(recursive: true);

    private List<T> Reference<T>(string model, string body, object input)
    {
        var script = $"import json, sys, sentencepiece\nsp = sentencepiece.SentencePieceProcessor(model_file=sys.argv[1])\n{body}\n";
        if (Run(_python, ["-c", script, PathOf(model)], JsonSerializer.Serialize(input), out var output, out var error) != 0)
        {
            throw new InvalidOperationException($"the SentencePiece reference failed: {error}");
        }

        return JsonSerializer.Deserialize<List<T>>(output)!;
    }

    /// <summary>The corpus, then sentences of its words in a fixed pseudo-random order, so that the
    /// trainer sees every script often enough to learn merges.</summary>
    private static IEnumerable<string> TrainingText()
    {
        var words = Corpus.Lines.SelectMany(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
        var random = new Random(20261129);
        foreach (var line in Corpus.Lines)
        {
            yield return line;
        }

        for (var i = 0; i < 3000; i++)
        {
            yield return string.Join(' ', Enumerable.Range(0, random.Next(3, 13)).Select(_ => words[random.Next(words.Length)]));
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    private static int Run(string program, IReadOnlyList<string> arguments, string? input, out string output, out string error)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            var errorText = process.StandardError.ReadToEndAsync();
            if (input is not null)
            {
                // JSON escapes every non-ASCII character, so the pipe's encoding does not matter.
                process.StandardInput.Write(input);
                process.StandardInput.Close();
            }

            output = process.StandardOutput.ReadToEnd();
            error = errorText.Result;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            output = string.Empty;
            error = ex.Message;
            return -1;
        }
    }
}
