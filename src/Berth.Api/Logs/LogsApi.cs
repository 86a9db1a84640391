using Berth.Api.Protocol;
using Berth.Core.Logs;
using Berth.Store.Logs;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Logs;

/// <summary>The CloudWatch Logs service (target prefix Logs_20140328) with every handler Berth has.</summary>
internal static class LogsApi
{
    /// <summary>The Logs service over the host's <see cref="ILogStore"/>.</summary>
    public static IServiceCollection AddLogsApi(this IServiceCollection services) =>
        services.AddSingleton(s => Create(s.GetRequiredService<ILogStore>()));

    private static JsonService Create(ILogStore store)
    {
        var service = new JsonService(LogsOperations.TargetPrefix, "logs", LogsJsonContext.Default, LogsOperations.All)
        {
            MaxRequestBytes = LogEventBatch.MaxRequestBodyBytes,
        };
        var lookup = new LogLookup(store);
        new LogGroupHandler(store, lookup).Register(service);
        new LogStreamHandler(store, lookup).Register(service);
        new LogEventHandler(store, lookup).Register(service);
        return service;
    }
}
