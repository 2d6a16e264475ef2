namespace KazGrpc.Bench.GenAi;

/// <summary>One static batch: its prompts (unpadded) and the tokens every row generates.</summary>
/// <param name="Rows">The prompts' token ids, one row each.</param>
/// <param name="MaxNewTokens">Tokens each row generates after its padded prompt.</param>
internal sealed record GenAiBatchRequest(int[][] Rows, int MaxNewTokens);
