using KazGrpc.Contracts.Inference.V1;
using KazGrpc.Hosting;

// Placeholder host: the hosting defaults with health reporting NOT_SERVING, so that the layout,
// ports and contract are in place. Models, batching and the InferenceService adapter come next.
var builder = WebApplication.CreateBuilder(args);
builder.AddKazGrpcHosting("127.0.0.1:50051", "127.0.0.1:9101", InferenceService.Descriptor.FullName);
var app = builder.Build();
app.MapKazGrpcDefaults();
await app.RunAsync();
