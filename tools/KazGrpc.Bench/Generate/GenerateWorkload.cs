using KazGrpc.Bench.Text;
using KazGrpc.Tokenization;

namespace KazGrpc.Bench.Generate;

/// <summary>
/// The requests of one run, made before anything is measured and the same in every mode: prompts
/// from <see cref="TokenizedCorpus"/> (kk, ru and en, lengths log-uniform over
/// <see cref="GenerateSettings.PromptTokens"/>), output lengths uniform over
/// <see cref="GenerateSettings.NewTokens"/>, and a sampling seed each; the long-prompt scenario's
/// running streams (the first requests, with long outputs) and its long prompts.
/// </summary>
/// <param name="Requests">The requests of the throughput windows, in the order they are sent.</param>
/// <param name="Runners">The streams that decode while a long prompt arrives.</param>
/// <param name="LongPrompts">The long prompts, sent one after another.</param>
internal sealed record GenerateWorkload(GenerateInput[] Requests, GenerateInput[] Runners, GenerateInput[] LongPrompts)
{
    /// <summary>Tokens a running stream of the long-prompt scenario may generate: more than it has time
    /// for, within the context; the scenario stops it when it ends.</summary>
    public const int RunnerNewTokens = 3000;

    /// <summary>Tokens a long prompt generates: its prefill is what the scenario measures.</summary>
    public const int LongPromptNewTokens = 16;

    /// <summary>Makes run <paramref name="run"/>'s requests with <paramref name="tokenizer"/> of <paramref name="service"/>,
    /// for a model of <paramref name="contextLength"/> positions.</summary>
    public static async Task<GenerateWorkload> CreateAsync(
        TokenizationService service, string tokenizer, GenerateSettings settings, int run, int contextLength, CancellationToken cancellationToken)
    {
        var seed = Seeds.Mix(settings.Seed, (ulong)run);
        var prompts = await TokenizedCorpus.GenerateAsync(
            service, tokenizer, settings.Requests, settings.PromptTokens.Min, settings.PromptTokens.Max, seed, cancellationToken);
        var lengths = new Random(Seeds.ToInt32(Seeds.Mix(seed, 0x0E)));
        GenerateInput[] requests = [.. prompts.Select((p, i) =>
            new GenerateInput(p, lengths.Next(settings.NewTokens.Min, settings.NewTokens.Max + 1), Seeds.Mix(seed, 0x5A, (ulong)i)))];
        GenerateInput[] runners = [.. requests.Take(settings.LongPromptStreams)
            .Select(r => r with { MaxNewTokens = Math.Min(RunnerNewTokens, contextLength - r.Prompt.Ids.Length) })];
        var longTexts = await TokenizedCorpus.GenerateAsync(
            service, tokenizer, settings.LongPrompts, settings.LongPromptTokens, settings.LongPromptTokens, Seeds.Mix(seed, 0x10), cancellationToken);
        GenerateInput[] longPrompts = [.. longTexts.Select((p, i) => new GenerateInput(p, LongPromptNewTokens, Seeds.Mix(seed, 0x1A, (ulong)i)))];
        return new GenerateWorkload(requests, runners, longPrompts);
    }
}
