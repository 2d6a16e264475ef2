using KazGrpc.Tools;

// System.CommandLine cancels the command's token on Ctrl+C.
return await KazGrpcCli.InvokeAsync(args, Console.Out, Console.Error);
