namespace KazGrpc.TokenizerSvc.Tests.Security;

/// <summary>A tokenizer-svc with auth on and reflection closed, serving the built-in encodings.</summary>
public sealed class AuthTokenizerFixture : TokenizerHostFixture
{
    public const string ReaderKey = "kzg_lists-tokenizers-only";
    public const string StreamerKey = "kzg_one-stream-at-a-time";

    /// <summary>The quota of stream messages per second of the <see cref="RatedCallers"/>.</summary>
    public const int StreamMessagesPerSecond = 3;

    /// <summary>Callers under <see cref="StreamMessagesPerSecond"/>, one pair per test, so that no test finds another's rate spent.</summary>
    public static readonly string[] RatedCallers = ["chatty-tokenize", "quiet-tokenize", "chatty-detokenize", "quiet-detokenize"];

    /// <summary>The API key of the rated caller <paramref name="id"/>.</summary>
    public static string RatedKey(string id) => $"kzg_{id}";

    protected override IEnumerable<TestCaller> TestCallers =>
    [
        new TestCaller("reader", [ReaderKey], ["kazgrpc.tokenizer.v1.TokenizerService/ListTokenizers"], []),
        new TestCaller("streamer", [StreamerKey], ["tokenize"], [], new Dictionary<string, int> { ["MaxConcurrentStreams"] = 1 }),
        .. RatedCallers.Select(id => new TestCaller(id, [RatedKey(id)], ["tokenize"], [], new Dictionary<string, int> { ["StreamMessagesPerSecond"] = StreamMessagesPerSecond })),
    ];

    protected override IEnumerable<string> Settings => ["--Auth:OpenReflection=false"];
}
