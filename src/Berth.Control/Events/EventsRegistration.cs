using Berth.Store;
using Berth.Store.Events;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Berth.Control.Events;

internal static class EventsRegistration
{
    /// <summary>
    /// The state store every service uses, wrapped so each task and service change reaches the event stream, and the
    /// event log its readers use, which waits for those changes' appends. Registered through factories so the
    /// container owns both stores and disposes them at shutdown.
    /// </summary>
    public static IServiceCollection AddEventRecording(this IServiceCollection services, IStateStore store, IEventLog events) => services
        .AddSingleton(s => new EventAppendQueue(events, s.GetRequiredService<ILogger<EventAppendQueue>>()))
        .AddSingleton<IEventLog>(s => new CaughtUpEventLog(events, s.GetRequiredService<EventAppendQueue>()))
        .AddSingleton<IStateStore>(s => new EventRecordingStateStore(
            store, s.GetRequiredService<EventAppendQueue>(), s.GetRequiredService<TimeProvider>(), s.GetRequiredService<ILogger<EventRecordingStateStore>>()));
}
