using KazGrpc.Tools;
using KazGrpc.Tools.ConvertTokenizer;
using KazGrpc.Tools.Forge;
using KazGrpc.Tools.Health;
using KazGrpc.Tools.ModelsPrepare;

var dispatcher = new CommandDispatcher([new ConvertTokenizerCommand(), new ModelsPrepareCommand(), new ForgeIdentityEncoderCommand(), new ForgeDecoderCommand(), new HealthCommand()]);
return dispatcher.Run(args, Console.Out, Console.Error);
