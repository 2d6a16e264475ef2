using KazGrpc.Bench;

// System.CommandLine cancels the command's token on Ctrl+C.
return await BenchCli.Create().Parse(args).InvokeAsync();
