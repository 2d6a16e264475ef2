using System.Globalization;

namespace KazGrpc.Models;

/// <summary>What the runtime needs to know of a decoder graph, from its genai_config.json.</summary>
internal sealed record DecoderLayout
{
    public required int Layers { get; init; }

    public required int KvHeads { get; init; }

    public required int HeadSize { get; init; }

    public required int VocabSize { get; init; }

    public required int ContextLength { get; init; }

    public required IReadOnlyList<int> EosTokenIds { get; init; }

    public string InputIdsName { get; init; } = "input_ids";

    public string AttentionMaskName { get; init; } = "attention_mask";

    public string LogitsName { get; init; } = "logits";

    public string PastKeyNames { get; init; } = "past_key_values.%d.key";

    public string PastValueNames { get; init; } = "past_key_values.%d.value";

    public string PresentKeyNames { get; init; } = "present.%d.key";

    public string PresentValueNames { get; init; } = "present.%d.value";

    public string PastKeyName(int layer) => Name(PastKeyNames, layer);

    public string PastValueName(int layer) => Name(PastValueNames, layer);

    public string PresentKeyName(int layer) => Name(PresentKeyNames, layer);

    public string PresentValueName(int layer) => Name(PresentValueNames, layer);

    private static string Name(string pattern, int layer) => pattern.Replace("%d", layer.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
