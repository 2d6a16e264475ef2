using KazGrpc.Tokenization;
using KazGrpc.Tools.ConvertTokenizer;
using HfTokenizer = Tokenizers.DotNet.Tokenizer;

[assembly: AssemblyFixture(typeof(KazGrpc.Tools.Tests.Gpt2Fixture))]

namespace KazGrpc.Tools.Tests;

/// <summary>
/// GPT-2's tokenizer.json loaded by Hugging Face tokenizers (the reference) and, converted, by
/// <see cref="ByteLevelBpeLoader"/>; built once for the test assembly.
/// </summary>
public sealed class Gpt2Fixture : IDisposable
{
    private readonly HfTokenizer _reference;
    private readonly Lazy<TokenEncoder> _encoder;
    private readonly Lock _referenceLock = new();

    public Gpt2Fixture()
    {
        Root = Directory.CreateTempSubdirectory("kazgrpc-tools-tests-").FullName;
        TokenizerJsonPath = Gpt2TokenizerJson.Save(Gpt2TokenizerJson.Create(), Path.Combine(Root, "hf"));
        ConvertedDirectory = Path.Combine(Root, "converted");
        Conversion = HuggingFaceBpeConverter.Convert(TokenizerJsonPath, ConvertedDirectory);
        Definition = LoadConverted(ConvertedDirectory);
        _reference = new HfTokenizer(TokenizerJsonPath);
        _encoder = new Lazy<TokenEncoder>(Definition.CreateEncoder);
    }

    /// <summary>A temporary directory, deleted at the end.</summary>
    public string Root { get; }

    public string TokenizerJsonPath { get; }

    public string ConvertedDirectory { get; }

    internal ConversionResult Conversion { get; }

    public TokenizerDefinition Definition { get; }

    /// <summary>
    /// One encoder of <see cref="Definition"/> (each costs about a second to build here). Encoders
    /// are not thread-safe: only <c>HuggingFaceBpeConverterTests</c> uses it, whose tests run one at a time.
    /// </summary>
    public TokenEncoder Encoder => _encoder.Value;

    public static TokenizerDefinition LoadConverted(string directory) => ByteLevelBpeLoader.Load(
        Path.GetFileName(directory), Path.Combine(directory, "vocab.json"), Path.Combine(directory, "merges.txt"), ModelTokenizerConfig.Read(directory));

    /// <summary>Hugging Face's ids (the native handle is shared, so calls take turns).</summary>
    public int[] ReferenceIds(string text)
    {
        lock (_referenceLock)
        {
            return _reference.Encode(text).Select(id => (int)id).ToArray();
        }
    }

    public void Dispose()
    {
        _reference.Dispose();
        Directory.Delete(Root, recursive: true);
    }
}
