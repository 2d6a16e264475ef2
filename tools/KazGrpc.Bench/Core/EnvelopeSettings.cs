namespace KazGrpc.Bench.Core;

/// <summary>What of the e-gov envelope the started services run with (<c>--auth</c>, <c>--quotas</c>, <c>--tracing</c>).</summary>
/// <param name="Auth">API keys required on every call, the tokenizer hop's included.</param>
/// <param name="Quotas">Every quota set, so high that it is counted and never reached.</param>
/// <param name="Tracing">Every span exported over OTLP to a sink this benchmark runs.</param>
internal sealed record EnvelopeSettings(bool Auth, bool Quotas, bool Tracing)
{
    public override string ToString() =>
        string.Join(',', new[] { (Auth, "auth"), (Quotas, "quotas"), (Tracing, "tracing") }.Where(p => p.Item1).Select(p => p.Item2).DefaultIfEmpty("off"));
}
