using System.Diagnostics;
using KazGrpc.ModelForge;

namespace KazGrpc.Testing;

/// <summary>
/// A multilingual-e5-shaped model directory for the tests: a SentencePiece unigram model trained
/// here by Debian's <c>spm_train</c> (package <c>sentencepiece</c>) on the test corpus and the
/// Kazakh UDHR, saved as <c>sentencepiece.bpe.model</c> with an XLM-RoBERTa
/// <c>tokenizer_config.json</c>, and the forge's XLM-RoBERTa-class encoder over its vocabulary with
/// E5's <c>query: </c> and <c>passage: </c> prefixes. Training takes about a second; no model can be
/// downloaded here.
/// </summary>
public static class MultilingualEncoder
{
    /// <summary>The pieces asked of the trainer (it may make fewer from a small corpus).</summary>
    public const int VocabSize = 1000;

    /// <summary>Writes the directory (created if missing).</summary>
    /// <param name="directory">The model directory; its name is the model's and the tokenizer's.</param>
    public static void Write(string directory)
    {
        Directory.CreateDirectory(directory);
        var corpus = Path.Combine(directory, "train.txt");
        File.WriteAllLines(corpus, [.. Corpus.Lines, .. File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", "udhr-kk.txt"))]);
        try
        {
            Train(corpus, Path.Combine(directory, "sentencepiece"));
        }
        finally
        {
            File.Delete(corpus);
        }

        File.Move(Path.Combine(directory, "sentencepiece.model"), Path.Combine(directory, "sentencepiece.bpe.model"));
        File.Delete(Path.Combine(directory, "sentencepiece.vocab"));
        File.WriteAllText(Path.Combine(directory, "tokenizer_config.json"),
            """{"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": 512, "bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>"}""");

        // fairseq's ids: the pieces shifted up by one, and <mask> after them.
        XlmRobertaEncoder.Write(directory, new XlmRobertaArchitecture { VocabSize = VocabSize + 2 });
    }

    private static void Train(string corpus, string prefix)
    {
        var spmTrain = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "spm_train"))
            .FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("spm_train was not found on PATH; ./test.sh installs the Debian package sentencepiece (tests/apt-packages.txt).");
        var start = new ProcessStartInfo(spmTrain) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
        {
            $"--input={corpus}", $"--model_prefix={prefix}", "--model_type=unigram", $"--vocab_size={VocabSize}",
            "--hard_vocab_limit=false", "--character_coverage=0.9995", "--num_threads=1", "--minloglevel=2",
        })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"spm_train failed ({process.ExitCode}): {error.Result}");
        }
    }
}
