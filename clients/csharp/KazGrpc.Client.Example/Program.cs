using Grpc.Core;
using KazGrpc.Client;
using KazGrpc.Contracts.Inference.V1;

// Addresses: KAZGRPC_INFERENCE_ADDRESS and KAZGRPC_TOKENIZER_ADDRESS (host:port), else run.sh's defaults.
using var client = new KazGrpcClient(new KazGrpcClientOptions
{
    InferenceAddress = "http://" + (Environment.GetEnvironmentVariable("KAZGRPC_INFERENCE_ADDRESS") ?? "127.0.0.1:50051"),
    TokenizerAddress = "http://" + (Environment.GetEnvironmentVariable("KAZGRPC_TOKENIZER_ADDRESS") ?? "127.0.0.1:50052"),
});

var tokens = await client.TokenizeAsync("o200k_base", ["Сәлем, әлем!"]);
Console.WriteLine($"tokenize: {string.Join(' ', tokens.Results[0].Ids)}");

var embedding = await client.EmbedAsync("minilm", ["Сәлем, әлем!"]);
Console.WriteLine($"embed: {embedding.Embeddings[0].Values.Count} dimensions");

Console.Write("generate: ");
await foreach (var response in client.GenerateAsync("kaz-tiny", "Қазақстанның астанасы", new GenerationParameters { MaxNewTokens = 16 }))
{
    if (response.ResponseCase == GenerateResponse.ResponseOneofCase.Chunk)
    {
        Console.Write(response.Chunk.Text);
    }
    else
    {
        Console.WriteLine($"\nfinish: {response.Final.FinishReason}, {response.Final.Usage.CompletionTokens} tokens");
    }
}

try
{
    await client.EmbedAsync("no-such-model", ["x"]);
}
catch (RpcException ex)
{
    Console.WriteLine($"error: {ex.StatusCode}: {ex.Status.Detail}");
}
