namespace KazGrpc.Bench.Embed;

/// <summary>One input of a run: its text, the ids tokenizer-svc gives it (framing included), its UTF-8 size and language code.</summary>
internal sealed record EmbedInput(string Text, int[] Ids, int Bytes, string Language);
