namespace KazGrpc.Tokenization;

/// <summary>Which chat format <see cref="ChatTemplates"/> renders for a tokenizer.</summary>
public enum ChatTemplateKind
{
    /// <summary><c>role: content</c> lines; works with any vocabulary.</summary>
    Plain = 0,

    /// <summary>Llama 3 instruct headers (<c>&lt;|start_header_id|&gt;</c> … <c>&lt;|eot_id|&gt;</c>), as KazLLM-instruct uses.</summary>
    Llama3 = 1,
}
