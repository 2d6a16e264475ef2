using Grpc.Core;
using Grpc.Core.Interceptors;

namespace KazGrpc.Client;

/// <summary>Sends an API key with every call of a channel, as <c>authorization: Bearer KEY</c>
/// (what KazGrpc services read when their <c>Auth:Enabled</c> is on).</summary>
internal static class ApiKeyCredential
{
    /// <summary>The invoker of <paramref name="channel"/>'s calls: as it is without a key, else adding the key to each call's headers.</summary>
    public static CallInvoker Invoker(ChannelBase channel, string? apiKey)
    {
        if (string.IsNullOrEmpty(apiKey))
        {
            return channel.CreateCallInvoker();
        }

        // Call credentials would need TLS (or an opt-out) on the channel; a header works on both.
        var value = $"Bearer {apiKey}";
        return channel.Intercept(metadata =>
        {
            metadata.Add("authorization", value);
            return metadata;
        });
    }
}
