using System.CommandLine;

namespace KazGrpc.Tools.Cli;

/// <summary>One of the two services a command calls: the option and environment variable that name its address, and the default.</summary>
internal sealed class ServiceEndpoint
{
    private ServiceEndpoint(string optionName, string environmentVariable, string defaultAddress, string serviceName)
    {
        OptionName = optionName;
        EnvironmentVariable = environmentVariable;
        DefaultAddress = defaultAddress;
        ServiceName = serviceName;
    }

    /// <summary>inference-svc: <c>--inference</c>, <c>KAZGRPC_INFERENCE_ADDRESS</c>, 127.0.0.1:50051.</summary>
    public static ServiceEndpoint Inference { get; } = new("--inference", "KAZGRPC_INFERENCE_ADDRESS", "127.0.0.1:50051", "inference-svc");

    /// <summary>tokenizer-svc: <c>--tokenizer-address</c>, <c>KAZGRPC_TOKENIZER_ADDRESS</c>, 127.0.0.1:50052.</summary>
    public static ServiceEndpoint Tokenizer { get; } = new("--tokenizer-address", "KAZGRPC_TOKENIZER_ADDRESS", "127.0.0.1:50052", "tokenizer-svc");

    public string OptionName { get; }

    public string EnvironmentVariable { get; }

    public string DefaultAddress { get; }

    public string ServiceName { get; }

    /// <summary>The address when no option names one: the environment variable's, else the default.</summary>
    public string ConfiguredAddress => Variable ?? DefaultAddress;

    /// <summary>What gives <see cref="ConfiguredAddress"/>: the environment variable, or null for the default.</summary>
    public string? ConfiguredSource => Variable is null ? null : EnvironmentVariable;

    private string? Variable => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value ? value : null;

    /// <summary>The address option; unset, it reads the environment variable, then the default.</summary>
    public Option<ServiceAddress> CreateOption(string optionName) => new(optionName)
    {
        Description = $"{ServiceName} address, host:port, http://host:port or https://host:port (TLS); unset: ${EnvironmentVariable}, else {DefaultAddress}",
        HelpName = "ADDR",
        CustomParser = result => Parse(result, result.Tokens[0].Value, optionName),
        DefaultValueFactory = result => Parse(result, ConfiguredAddress, ConfiguredSource),
    };

    /// <summary>The address option under its usual name.</summary>
    public Option<ServiceAddress> CreateOption() => CreateOption(OptionName);

    /// <summary>
    /// Reads an address given by <paramref name="source"/> (an option, an argument or a variable; null
    /// for the default), adding a parse error when it is malformed.
    /// </summary>
    public static ServiceAddress Parse(System.CommandLine.Parsing.ArgumentResult result, string text, string? source)
    {
        if (ServiceAddress.TryParse(text, out var address, source))
        {
            return address;
        }

        result.AddError($"{source} must be host:port or http(s)://host:port; got '{text}'");
        return null!;
    }
}
