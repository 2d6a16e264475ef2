using System.Text.Json;

namespace KazGrpc.InferenceSvc.OpenAi;

/// <summary>One message of a chat request: a role and its content, a string or an array of text parts.</summary>
internal sealed class ChatMessageInput
{
    public string? Role { get; set; }

    public JsonElement Content { get; set; }

    /// <summary>Accepted and ignored (the chat templates have no names).</summary>
    public string? Name { get; set; }
}
