using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Events;

internal static class EventStreamApi
{
    public static IServiceCollection AddEventStream(this IServiceCollection services) => services.AddSingleton<EventStreamHandler>();

    public static IEndpointRouteBuilder MapEventStream(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/_berth/events", endpoints.ServiceProvider.GetRequiredService<EventStreamHandler>().StreamAsync);
        return endpoints;
    }
}
