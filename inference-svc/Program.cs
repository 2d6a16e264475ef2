using KazGrpc.InferenceSvc;

var app = InferenceApp.Build(args);
await app.RunAsync();
