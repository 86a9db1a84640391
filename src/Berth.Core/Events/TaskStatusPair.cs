using System.Text.Json;
using System.Text.Json.Serialization;
using Berth.Core.Ecs;

namespace Berth.Core.Events;

/// <summary>
/// A task's last and desired status: all that <see cref="EventDerivation.ForTask(TaskStatusPair?, ReadOnlyMemory{byte}, DateTimeOffset)"/> needs of the task before a change.
/// The event log reads it from the stored body before every task commit, so it is read with a contract of these two
/// members only: the reader skips the rest of the task's JSON instead of building the whole task (containers,
/// attachments, overrides) to look at two strings.
/// </summary>
public sealed record TaskStatusPair(
    [property: JsonPropertyName("lastStatus")] string? LastStatus,
    [property: JsonPropertyName("desiredStatus")] string? DesiredStatus)
{
    /// <summary>The statuses of a task stored as <see cref="EcsTask"/>'s JSON (UTF-8), whose members carry the same names.</summary>
    public static TaskStatusPair OfTaskJson(ReadOnlySpan<byte> json) =>
        JsonSerializer.Deserialize(json, EventJsonContext.Default.TaskStatusPair) ?? throw new JsonException("A task body of null.");
}
