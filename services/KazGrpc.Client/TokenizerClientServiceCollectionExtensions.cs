using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace KazGrpc.Client;

/// <summary>Registers the tokenizer client with its options.</summary>
public static class TokenizerClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TokenizerClientOptions"/>, bound from <paramref name="configuration"/>'s
    /// <c>Tokenizer</c> section over <paramref name="defaults"/> and validated at start-up, and one
    /// <see cref="TokenizerClient"/> for the process. A <see cref="TimeProvider"/> is registered
    /// (the system's) unless one is already.
    /// </summary>
    /// <param name="services">The service collection.</param>
    /// <param name="configuration">The configuration root (or any configuration holding a <c>Tokenizer</c> section).</param>
    /// <param name="defaults">Values that configuration may override, e.g. a host's own choice of <see cref="TokenizerClientOptions.InlineCompletions"/>.</param>
    public static IServiceCollection AddTokenizerClient(this IServiceCollection services, IConfiguration configuration, Action<TokenizerClientOptions>? defaults = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TokenizerClientOptions>()
            .Configure(o => defaults?.Invoke(o))
            .Bind(configuration.GetSection(TokenizerClientOptions.SectionName))
            .Validate(o =>
            {
                o.Validate();
                return true;
            })
            .ValidateOnStart();
        services.TryAddSingleton<TokenizerClient>();
        return services;
    }
}
