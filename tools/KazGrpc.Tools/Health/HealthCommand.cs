using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace KazGrpc.Tools.Health;

/// <summary>
/// <c>kazgrpc health --address host:port [--service NAME] [--wait SECONDS]</c>: asks
/// <c>grpc.health.v1.Health</c>; with <c>--wait</c>, polls until SERVING. Exit 0 when SERVING,
/// 1 otherwise. Scripts use it to start inference-svc only once tokenizer-svc serves.
/// </summary>
internal sealed class HealthCommand : IToolCommand
{
    private static readonly string[] OptionNames = ["address", "service", "wait"];

    public string Name => "health";

    public string Summary => "check (or wait for) a service's grpc.health.v1 status";

    public string Usage => """
          --address <host:port>   the service (required)
          --service <name>        fully-qualified service name (default: "" = the whole server)
          --wait <seconds>        poll until SERVING for at most this long (default: 0 = ask once)
        """;

    public int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var options = CommandLineOptions.Parse(args, OptionNames, out var usageError);
        if (options?.Get("address") is not { } address)
        {
            error.WriteLine($"kazgrpc {Name}: {usageError ?? "--address is required"}");
            return ExitCodes.Usage;
        }

        if (!double.TryParse(options.Get("wait") ?? "0", System.Globalization.CultureInfo.InvariantCulture, out var wait) || wait < 0)
        {
            error.WriteLine($"kazgrpc {Name}: --wait must be a number of seconds >= 0; got '{options.Get("wait")}'");
            return ExitCodes.Usage;
        }

        var uri = address.Contains("://", StringComparison.Ordinal) ? new Uri(address) : new Uri("http://" + address);
        using var channel = GrpcChannel.ForAddress(uri);
        var client = new Grpc.Health.V1.Health.HealthClient(channel);
        var until = DateTime.UtcNow.AddSeconds(wait);
        var last = "no answer";
        do
        {
            try
            {
                var response = client.Check(new HealthCheckRequest { Service = options.Get("service") ?? "" }, deadline: DateTime.UtcNow.AddSeconds(2));
                last = response.Status.ToString();
                if (response.Status == HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    output.WriteLine($"{address}: SERVING");
                    return ExitCodes.Success;
                }
            }
            catch (RpcException e)
            {
                last = $"{e.StatusCode}: {e.Status.Detail}";
            }

            if (DateTime.UtcNow < until)
            {
                Thread.Sleep(250);
            }
        }
        while (DateTime.UtcNow < until);

        error.WriteLine($"{address}: not SERVING ({last})");
        return ExitCodes.Failure;
    }
}
