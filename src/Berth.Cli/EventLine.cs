using System.Net.ServerSentEvents;
using System.Text.Json;
using Berth.Core.Events;
using Berth.Core.Tasks;

namespace Berth.Cli;

/// <summary>One line of <c>berth events</c>: <c>&lt;id&gt; &lt;time&gt; &lt;type&gt; &lt;summary&gt;</c>, the summary depending on the type.</summary>
internal static class EventLine
{
    public static string Format(SseItem<string> item)
    {
        using var envelope = JsonDocument.Parse(item.Data);
        var root = envelope.RootElement;
        var detail = root.GetProperty("detail");
        var summary = item.EventType switch
        {
            EcsEventTypes.TaskStateChange => $"{Text(detail, "taskArn")} {Text(detail, "lastStatus")} (desired {Text(detail, "desiredStatus")})"
                + (Text(detail, "lastStatus") == TaskStatuses.Stopped && Text(detail, "stoppedReason") is { } reason ? $": {reason}" : ""),
            EcsEventTypes.ServiceEvent => Text(detail, "message"),
            EcsEventTypes.DeploymentStateChange => Deployment(root, detail) + (Text(detail, "reason") is { } why ? $": {why}" : ""),
            EcsEventTypes.HookStateChange => $"{Deployment(root, detail)} {Text(detail, "hookId")} at {Text(detail, "lifecycleStage")}",
            _ => item.Data,
        };
        return $"{item.EventId} {Text(root, "time")} {item.EventType} {summary}";
    }

    /// <summary>What a deployment's and a hook's events begin with: the service, the deployment id and the event's name.</summary>
    private static string Deployment(JsonElement root, JsonElement detail) =>
        $"{root.GetProperty("resources")[0].GetString()} {Text(detail, "deploymentId")} {Text(detail, "eventName")}";

    private static string? Text(JsonElement element, string member) =>
        element.TryGetProperty(member, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
