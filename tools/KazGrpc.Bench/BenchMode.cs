namespace KazGrpc.Bench;

/// <summary>A way of reaching the tokenizer that <c>bench tokenize</c> measures.</summary>
internal enum BenchMode
{
    /// <summary><c>inproc</c>: TokenizationService called directly, one loop per encoder, batches of <c>--batch</c> texts.</summary>
    InProcess,

    /// <summary><c>unary1</c>: unary Tokenize, one text per call, <c>--concurrency</c> callers.</summary>
    UnarySingle,

    /// <summary><c>unary</c>: unary Tokenize, <c>--batch</c> texts per call, <c>--concurrency</c> callers.</summary>
    UnaryBatch,

    /// <summary><c>stream</c>: one TokenizeStream, <c>--batch</c> texts per request, <c>--in-flight</c> requests outstanding.</summary>
    Stream,

    /// <summary><c>inproc-repeat</c> (opt-in): like <see cref="InProcess"/> over the same batch of texts again and
    /// again, to show how much the tokenizer's word cache flatters repeated text. (A large repeated set would not:
    /// cycling through more words than the cache holds makes an LRU cache miss every time.)</summary>
    InProcessRepeated,
}
