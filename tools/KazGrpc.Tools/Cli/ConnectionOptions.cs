using System.CommandLine;
using KazGrpc.Client;
using KazGrpc.Tls;
using Microsoft.Extensions.Logging.Abstractions;

namespace KazGrpc.Tools.Cli;

/// <summary>
/// How a command that calls a service identifies itself and secures the connection: <c>--api-key</c>
/// and the TLS files <c>--ca</c>, <c>--cert</c> and <c>--key</c>, each read from its environment
/// variable when the option is absent. The key and TLS go through the C# SDK's code (KazGrpc.Client),
/// so the CLI sends keys and checks certificates as SDK callers do. A key is never written anywhere.
/// </summary>
internal sealed class ConnectionOptions
{
    public const string ApiKeyVariable = "KAZGRPC_API_KEY";
    public const string CaVariable = "KAZGRPC_TLS_CA";
    public const string CertificateVariable = "KAZGRPC_TLS_CERT";
    public const string KeyVariable = "KAZGRPC_TLS_KEY";

    private readonly Option<string?> _apiKey = new("--api-key")
    {
        Description = $"API key, sent as `authorization: Bearer KEY`; unset: ${ApiKeyVariable} (which keeps it out of the process list and shell history)",
        HelpName = "KEY",
    };

    private readonly Option<string?> _ca = new("--ca")
    {
        Description = $"CA bundle (PEM) that issues the service's certificate, then the only CA trusted; unset: ${CaVariable}, else the system's roots",
        HelpName = "FILE",
    };

    private readonly Option<string?> _certificate = new("--cert")
    {
        Description = $"client certificate chain (PEM) for mutual TLS; unset: ${CertificateVariable}",
        HelpName = "FILE",
    };

    private readonly Option<string?> _key = new("--key")
    {
        Description = $"the client certificate's private key (PEM, unencrypted); unset: ${KeyVariable}, else in --cert's file",
        HelpName = "FILE",
    };

    /// <summary>The options, in the order the help lists them.</summary>
    public IReadOnlyList<Option> All => [_apiKey, _ca, _certificate, _key];

    /// <summary>
    /// Opens a connection to <paramref name="address"/> with the key and TLS files that
    /// <paramref name="parse"/> or the environment give; the caller disposes it. Null, with
    /// <paramref name="problem"/> naming the option or variable and its value (a key's value never),
    /// when a value is malformed, a file does not load, or TLS files come with a cleartext address.
    /// </summary>
    public ServiceConnection? Open(ParseResult parse, ServiceAddress address, out string? problem)
    {
        var apiKey = Read(parse, _apiKey, ApiKeyVariable);
        var ca = Read(parse, _ca, CaVariable);
        var certificate = Read(parse, _certificate, CertificateVariable);
        var key = Read(parse, _key, KeyVariable);
        problem = Check(apiKey, ca, certificate, key, address);
        if (problem is not null)
        {
            return null;
        }

        ClientTls? tls = null;
        if (address.UsesTls)
        {
            try
            {
                // Made even with no files (the system's roots), so that a refused client certificate is explained.
                tls = ClientTls.Create(
                    ca?.File, certificate?.File, key?.File, $"neither --cert nor ${CertificateVariable} is set", TimeProvider.System, NullLogger.Instance);
            }
            catch (InvalidOperationException e)
            {
                problem = e.Message;
                return null;
            }
        }

        return new ServiceConnection(address, tls, apiKey?.Value);
    }

    private static string? Check(Setting? apiKey, Setting? ca, Setting? certificate, Setting? key, ServiceAddress address)
    {
        if (new[] { apiKey, ca, certificate, key }.FirstOrDefault(s => s is { Value.Length: 0 }) is { } empty)
        {
            return $"{empty.Name} is empty";
        }

        // `kazgrpc keys new` makes base64url; anything a header carries unquoted passes. The value is
        // not shown: a key pasted with a stray character is still a secret.
        if (apiKey is not null && !apiKey.Value.All(c => c is > ' ' and <= '~'))
        {
            return $"{apiKey.Name} must be printable ASCII without spaces; the value given is not (it is not shown)";
        }

        if (key is not null && certificate is null)
        {
            return $"{key.Name} '{key.Value}' is set but neither --cert nor ${CertificateVariable} is; give the client certificate's PEM file too";
        }

        // As KazGrpcClientOptions refuses them: TLS files that no connection uses would send the key in the clear.
        if ((ca ?? certificate) is { } tls && !address.UsesTls)
        {
            return $"{tls.Name} '{tls.Value}' is set, but {address.Describe()} is cleartext; TLS needs an https://host:port address";
        }

        return null;
    }

    private static Setting? Read(ParseResult parse, Option<string?> option, string variable) =>
        parse.GetResult(option) is { Implicit: false } ? new Setting(option.Name, parse.GetValue(option) ?? "")
        : Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? new Setting(variable, value)
        : null;

    /// <summary>A value and the option or variable that gave it. Not a record: its text would show a key.</summary>
    private sealed class Setting(string name, string value)
    {
        public string Name { get; } = name;

        public string Value { get; } = value;

        public TlsFile File => new(Name, Value);
    }
}
