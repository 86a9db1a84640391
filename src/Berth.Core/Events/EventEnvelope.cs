using System.Globalization;
using System.Text.Json;
using Berth.Core.Arns;
using Berth.Core.State;

namespace Berth.Core.Events;

/// <summary>
/// An event as one line of JSON in EventBridge's envelope: version, detail-type, source, account, time (ISO 8601, as
/// EventBridge writes it), region, resources, detail. The stream's own sequence number is the event's id, so the
/// envelope leaves EventBridge's id out rather than invent a second one.
/// </summary>
public static class EventEnvelope
{
    /// <summary>
    /// The envelope as UTF-8, as the event log stores it (binding a string made the engine transcode every event's
    /// ~2 KB back to UTF-8). The detail is written as it is: it is JSON a <see cref="Utf8JsonWriter"/> with these
    /// options wrote, so writing it again token by token would give the same bytes.
    /// </summary>
    public static byte[] ToUtf8(EcsEvent e) => JsonScratch.ToUtf8Bytes(e, static (writer, ecsEvent) =>
    {
        var arn = EcsArn.TryParse(ecsEvent.ClusterArn, out var parsed) ? parsed : null;
        writer.WriteStartObject();
        writer.WriteString("version", "0");
        writer.WriteString("detail-type", ecsEvent.DetailType);
        writer.WriteString("source", "aws.ecs");
        writer.WriteString("account", arn?.AccountId);
        writer.WriteString("time", ecsEvent.Time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
        writer.WriteString("region", arn?.Region);
        writer.WriteStartArray("resources");
        foreach (var resource in ecsEvent.Resources)
        {
            writer.WriteStringValue(resource);
        }
        writer.WriteEndArray();
        writer.WritePropertyName("detail");
        writer.WriteRawValue(ecsEvent.Detail.Span, skipInputValidation: true);
        writer.WriteEndObject();
    });
}
