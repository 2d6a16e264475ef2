using KazGrpc.TokenizerSvc;

var app = TokenizerApp.Build(args);
await app.RunAsync();
