using System.Reflection;
using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace KazGrpc.Hosting;

/// <summary>
/// Takes the place of grpc-dotnet's binder-based method provider: grpc-dotnet parses a unary request
/// before any interceptor runs, and answers a message it cannot parse UNKNOWN with an Error and a
/// stack trace in the log; the methods this provider adds parse through <see cref="RequestMessageGuard"/>.
/// </summary>
internal sealed class GuardedServiceMethodProvider<TService>(ILoggerFactory loggers) : IServiceMethodProvider<TService>
    where TService : class
{
    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<TService> context)
    {
        for (var type = typeof(TService); type is not null; type = type.BaseType)
        {
            if (type.GetCustomAttribute<BindServiceMethodAttribute>(inherit: false) is not { } bind)
            {
                continue;
            }

            var method = bind.BindType.GetMethod(bind.BindMethodName, BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static, [typeof(ServiceBinderBase), type])
                ?? throw new InvalidOperationException($"Could not find {bind.BindMethodName}(ServiceBinderBase, {type.Name}) on {bind.BindType}.");
            var binder = new GuardedServiceBinder<TService>(context, type, loggers.CreateLogger<ErrorInterceptor>());
            method.Invoke(null, [binder, null]);
            return;
        }
    }
}
