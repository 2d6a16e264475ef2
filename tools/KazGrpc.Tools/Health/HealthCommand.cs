using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Grpc.Core;
using Grpc.Health.V1;
using KazGrpc.Tools.Cli;

namespace KazGrpc.Tools.Health;

/// <summary>
/// <c>kazgrpc health [ADDR] [--service NAME] [--wait SECONDS]</c>: asks <c>grpc.health.v1.Health</c>;
/// with <c>--wait</c>, polls until SERVING. Exit 0 when SERVING, <see cref="ExitCodes.Unavailable"/>
/// otherwise: scripts start inference-svc once tokenizer-svc serves, and compose and Kubernetes use it as the probe.
/// Over TLS it takes the same files as the other commands; a failed handshake ends the wait at once
/// with <see cref="ExitCodes.Failure"/>. The services leave health open, so a key is needed only
/// where <c>Auth:OpenHealth</c> is off.
/// </summary>
internal sealed class HealthCommand : Command
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    private readonly Argument<ServiceAddress?> _addressArgument = new("ADDR")
    {
        Description = $"the service, host:port, http://host:port or https://host:port (default: ${ServiceEndpoint.Inference.EnvironmentVariable}, else inference-svc's {ServiceEndpoint.Inference.DefaultAddress})",
        Arity = ArgumentArity.ZeroOrOne,
        CustomParser = result => ServiceEndpoint.Parse(result, result.Tokens[0].Value, "ADDR"),
    };

    private readonly Option<ServiceAddress?> _address = new("--address")
    {
        Description = "the same as ADDR (scripts use this form)",
        HelpName = "ADDR",
        CustomParser = result => ServiceEndpoint.Parse(result, result.Tokens[0].Value, "--address"),
    };

    private readonly Option<string> _service = new("--service")
    {
        Description = "fully-qualified service name, e.g. kazgrpc.inference.v1.InferenceService (default: \"\", the whole server)",
        HelpName = "NAME",
        DefaultValueFactory = _ => "",
    };

    private readonly Option<double> _wait = CliOptions.Number(
        "--wait", "poll until SERVING for at most this long (0: ask once)", "SECONDS", 0d, s => s is >= 0 and <= 24 * 3600, "a number of seconds in [0, 86400]");

    private readonly ConnectionOptions _connection = new();
    private readonly Option<double> _timeout = CliOptions.Timeout(2, "deadline of each check, in seconds");
    private readonly Option<bool> _json = CliOptions.Json();

    public HealthCommand()
        : base("health", "check (or wait for) a service's grpc.health.v1 status; exit 0 when SERVING, 3 when not")
    {
        Arguments.Add(_addressArgument);
        Options.Add(_address);
        Options.Add(_service);
        Options.Add(_wait);
        foreach (var option in _connection.All)
        {
            Options.Add(option);
        }

        Options.Add(_timeout);
        Options.Add(_json);
        Validators.Add(result =>
        {
            if (result.GetResult(_addressArgument) is { Tokens.Count: > 0 } && result.GetResult(_address) is { Tokens.Count: > 0 })
            {
                result.AddError("give the address once: ADDR or --address");
            }
        });
        SetAction(RunAsync);
    }

    private async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var terminal = new Terminal(parse);
        var address = parse.GetValue(_address) ?? parse.GetValue(_addressArgument);
        if (address is null)
        {
            var configured = ServiceEndpoint.Inference.ConfiguredAddress;
            if (!ServiceAddress.TryParse(configured, out address, ServiceEndpoint.Inference.ConfiguredSource))
            {
                await terminal.Error.WriteLineAsync(
                    $"{terminal.CommandPath}: {ServiceEndpoint.Inference.EnvironmentVariable} must be host:port or http(s)://host:port; got '{configured}'");
                return ExitCodes.Usage;
            }
        }

        using var connection = _connection.Open(parse, address, out var problem);
        if (connection is null)
        {
            await terminal.Error.WriteLineAsync($"{terminal.CommandPath}: {problem}");
            return ExitCodes.Usage;
        }

        var service = parse.GetValue(_service)!;
        var timeout = TimeSpan.FromSeconds(parse.GetValue(_timeout));
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(parse.GetValue(_wait));
        var client = new Grpc.Health.V1.Health.HealthClient(connection.CallInvoker);
        string? status = null;
        string? error = null;
        var handshakeFailed = false;
        try
        {
            while (true)
            {
                try
                {
                    var response = await client.CheckAsync(new HealthCheckRequest { Service = service }, deadline: DateTime.UtcNow + timeout, cancellationToken: cancellationToken);
                    status = ProtoNames.Full(response.Status);
                    error = null;
                    if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                    {
                        break;
                    }
                }
                catch (RpcException e) when (!cancellationToken.IsCancellationRequested)
                {
                    status = null;
                    var handshake = HandshakeFailure.Reason(e);
                    error = handshake is null ? $"{RpcErrorReport.StatusName(e.StatusCode)}: {e.Status.Detail}" : $"TLS handshake failed: {handshake}";
                    if (handshake is not null)
                    {
                        // Waiting does not mend a refused certificate.
                        handshakeFailed = true;
                        break;
                    }
                }

                if (DateTime.UtcNow + PollInterval > until)
                {
                    break;
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is OperationCanceledException or RpcException)
        {
            await terminal.Error.WriteLineAsync($"{terminal.CommandPath}: cancelled");
            return ExitCodes.Cancelled;
        }

        var serving = status == "SERVING";
        if (parse.GetValue(_json))
        {
            var json = new JsonObject { ["address"] = address.Text, ["service"] = service, ["status"] = status, ["serving"] = serving };
            if (error is not null)
            {
                json["error"] = error;
            }

            JsonOutput.Write(terminal.Out, json);
        }
        else if (serving)
        {
            await terminal.Out.WriteLineAsync($"{address.Text}{ServiceLabel(service)}: SERVING");
        }
        else
        {
            await terminal.Error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{address.Text}{ServiceLabel(service)}: not SERVING ({error ?? status})"));
        }

        return serving ? ExitCodes.Success : handshakeFailed ? ExitCodes.Failure : ExitCodes.Unavailable;
    }

    private static string ServiceLabel(string service) => service.Length == 0 ? "" : $" {service}";
}
