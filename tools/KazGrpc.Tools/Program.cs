using KazGrpc.Tools;
using KazGrpc.Tools.ConvertTokenizer;
using KazGrpc.Tools.ModelsPrepare;

var dispatcher = new CommandDispatcher([new ConvertTokenizerCommand(), new ModelsPrepareCommand()]);
return dispatcher.Run(args, Console.Out, Console.Error);
