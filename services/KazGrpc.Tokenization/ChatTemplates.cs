namespace KazGrpc.Tokenization;

/// <summary>
/// Renders conversations in the chat format of a tokenizer. Template tokens become control
/// tokens; message contents stay plain text, so a user who types <c>&lt;|eot_id|&gt;</c> cannot
/// end a turn. Between two control tokens the text is encoded as one piece, which is how Hugging
/// Face's tokenizers encode the rendered string.
/// </summary>
public static class ChatTemplates
{
    /// <summary>Roles a message may have.</summary>
    public static readonly IReadOnlyList<string> Roles = ["system", "user", "assistant", "tool"];

    /// <summary>Renders <paramref name="messages"/> as segments.</summary>
    public static IReadOnlyList<ChatSegment> Render(TokenizerDefinition tokenizer, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt) =>
        tokenizer.ChatTemplate == ChatTemplateKind.Llama3
            ? RenderLlama3(tokenizer, messages, addGenerationPrompt)
            : RenderPlain(tokenizer, messages, addGenerationPrompt);

    private static List<ChatSegment> RenderLlama3(TokenizerDefinition tokenizer, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        ChatSegment Control(string content) => new(content, tokenizer.FindSpecial(content)
            ?? throw new InvalidOperationException($"tokenizer {tokenizer.Name} has no {content} token for the llama3 chat template"));

        var segments = new List<ChatSegment> { Control("<|begin_of_text|>") };
        foreach (var message in messages)
        {
            segments.Add(Control("<|start_header_id|>"));
            segments.Add(new ChatSegment(message.Role, null));
            segments.Add(Control("<|end_header_id|>"));
            segments.Add(new ChatSegment("\n\n" + message.Content.Trim(), null));
            segments.Add(Control("<|eot_id|>"));
        }

        if (addGenerationPrompt)
        {
            segments.Add(Control("<|start_header_id|>"));
            segments.Add(new ChatSegment("assistant", null));
            segments.Add(Control("<|end_header_id|>"));
            segments.Add(new ChatSegment("\n\n", null));
        }

        return segments;
    }

    private static List<ChatSegment> RenderPlain(TokenizerDefinition tokenizer, IReadOnlyList<ChatMessage> messages, bool addGenerationPrompt)
    {
        var segments = new List<ChatSegment>();
        if (tokenizer.BosId is int bos && tokenizer.PrefixIds.Contains(bos))
        {
            segments.Add(new ChatSegment(tokenizer.SpecialTokens.First(s => s.Id == bos).Content, bos));
        }

        var text = new System.Text.StringBuilder();
        foreach (var message in messages)
        {
            text.Append(message.Role).Append(": ").Append(message.Content).Append('\n');
        }

        if (addGenerationPrompt)
        {
            text.Append("assistant:");
        }

        segments.Add(new ChatSegment(text.ToString(), null));
        return segments;
    }
}
