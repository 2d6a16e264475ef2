namespace KazGrpc.Tokenization;

/// <summary>The algorithm family of a tokenizer.</summary>
public enum TokenizerKind
{
    /// <summary>Byte-level BPE from tiktoken rank files (o200k_base, cl100k_base, gpt2, Llama 3).</summary>
    Tiktoken = 1,

    /// <summary>SentencePiece BPE or unigram from a <c>tokenizer.model</c> protobuf.</summary>
    SentencePiece = 2,

    /// <summary>Byte-level BPE from <c>vocab.json</c> + <c>merges.txt</c>.</summary>
    Bpe = 3,

    /// <summary>BERT WordPiece from <c>vocab.txt</c>.</summary>
    WordPiece = 4,
}
