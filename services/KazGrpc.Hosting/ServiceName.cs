namespace KazGrpc.Hosting;

/// <summary>A fully-qualified gRPC service name that health reports on, e.g. <c>kazgrpc.tokenizer.v1.TokenizerService</c>.</summary>
/// <param name="Value">The name.</param>
public sealed record ServiceName(string Value);
