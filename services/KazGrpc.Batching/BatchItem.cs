namespace KazGrpc.Batching;

/// <summary>One unit of work of a request, e.g. one text of an Embed request.</summary>
/// <typeparam name="TItem">What the executor receives.</typeparam>
/// <param name="Value">The item itself.</param>
/// <param name="Cost">Its cost in the batch's budget unit, e.g. its token count; at least 1.</param>
public readonly record struct BatchItem<TItem>(TItem Value, int Cost);
