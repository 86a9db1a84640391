using System.Text.Json;
using Berth.Core.Events;
using Berth.Store;

namespace Berth.Control.Events;

/// <summary>Which record kinds the event stream reports, and the bridge from their stored bodies to <see cref="EventDerivation"/>.</summary>
internal static class RecordEvents
{
    public static bool Reports(string kind) => kind is EcsRecords.TaskKind or EcsRecords.ServiceKind;

    public static IReadOnlyList<EcsEvent> Derive(string kind, byte[]? previousBody, byte[] body, DateTimeOffset now) => kind switch
    {
        EcsRecords.TaskKind => EventDerivation.ForTask(previousBody is null ? null : TaskStatusPair.OfTaskJson(previousBody), body, now),
        EcsRecords.ServiceKind => EventDerivation.ForService(Read(EcsRecords.Services, previousBody), Read(EcsRecords.Services, body)!, now),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "The event stream reports tasks and services only."),
    };

    private static T? Read<T>(RecordType<T> type, byte[]? body) where T : class =>
        body is null ? null : JsonSerializer.Deserialize(body, type.TypeInfo);
}
