using System.Diagnostics;
using Microsoft.ML.OnnxRuntimeGenAI;

namespace KazGrpc.Bench.GenAi;

/// <summary>
/// Runs static batches on onnxruntime-genai's <see cref="Generator"/>: the prompts left-padded with
/// the pad id to the longest (genai reads pad ids as padding), greedy (genai's default search), every
/// row to the same length with end-of-sequence ids suppressed until then (min_length), as the
/// bench's requests ignore end-of-sequence.
/// </summary>
internal sealed class StaticBatchGenerator(Model model, int padTokenId)
{
    /// <summary>Runs <paramref name="request"/> and times each step.</summary>
    public GenAiBatchResult Run(GenAiBatchRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var width = request.Rows.Max(r => r.Length);
        var tokens = new int[request.Rows.Length * width];
        for (var row = 0; row < request.Rows.Length; row++)
        {
            var prompt = request.Rows[row];
            var padded = tokens.AsSpan(row * width, width);
            padded[..(width - prompt.Length)].Fill(padTokenId);
            prompt.CopyTo(padded[(width - prompt.Length)..]);
        }

        var steps = new long[request.MaxNewTokens];
        var started = Stopwatch.GetTimestamp();
        using var parameters = new GeneratorParams(model);
        parameters.SetSearchOption("batch_size", request.Rows.Length);
        parameters.SetSearchOption("max_length", width + request.MaxNewTokens);
        parameters.SetSearchOption("min_length", width + request.MaxNewTokens);
        using var generator = new Generator(model, parameters);
        generator.AppendTokens(tokens);
        var step = 0;
        while (!generator.IsDone() && step < steps.Length)
        {
            generator.GenerateNextToken();
            steps[step++] = Stopwatch.GetTimestamp();
        }

        return new GenAiBatchResult(started, steps[..step], width);
    }
}
