using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KazGrpc.Client;

/// <summary>Registers the callers' client with its options.</summary>
public static class KazGrpcClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="KazGrpcClientOptions"/>, bound from <paramref name="configuration"/>'s
    /// <c>KazGrpc</c> section over <paramref name="defaults"/> and validated at start-up, and one
    /// <see cref="KazGrpcClient"/> for the process, which the container disposes. A
    /// <see cref="TimeProvider"/> is registered (the system's) unless one is already.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root (or any configuration holding a <c>KazGrpc</c> section).</param>
    /// <param name="defaults">Values that configuration may override.</param>
    public static IServiceCollection AddKazGrpcClient(this IServiceCollection services, IConfiguration configuration, Action<KazGrpcClientOptions>? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<KazGrpcClientOptions>()
            .Configure(o => defaults?.Invoke(o))
            .Bind(configuration.GetSection(KazGrpcClientOptions.SectionName))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.TryAddSingleton(provider => new KazGrpcClient(
            provider.GetRequiredService<IOptions<KazGrpcClientOptions>>(), provider.GetRequiredService<TimeProvider>(), provider.GetService<ILogger<KazGrpcClient>>()));
        return services;
    }
}
