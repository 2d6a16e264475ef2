namespace KazGrpc.Bench.Text;

/// <summary>One text of a run's corpus: the text, the ids tokenizer-svc gives it (framing included), its UTF-8 size and language code.</summary>
internal sealed record CorpusText(string Text, int[] Ids, int Bytes, string Language);
