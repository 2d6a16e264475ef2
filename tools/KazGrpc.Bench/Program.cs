using KazGrpc.Bench;

using var cancellation = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancellation.Cancel();
};

return await BenchCli.RunAsync(args, Console.Out, cancellation.Token);
