using System.Text.Json.Serialization;

namespace Berth.Core.Cleanup;

/// <summary>
/// One thing the clean-up report suggests removing: its kind (<see cref="LeftoverKinds"/>), the resource (an ARN, or
/// a log group's name), why it counts as left over, its stored size where one applies, and what <c>--apply</c> does to
/// it, saying what cannot be had back. <see cref="Action"/> null: apply leaves it alone (the reason says what to do).
/// </summary>
public sealed record Leftover(
    [property: JsonPropertyName("kind")] string Kind,
    [property: JsonPropertyName("resource")] string Resource,
    [property: JsonPropertyName("reason")] string Reason,
    [property: JsonPropertyName("bytes")] long? Bytes,
    [property: JsonPropertyName("action")] string? Action);

/// <summary>The kinds of leftover, as the report and <c>berth cleanup</c> name them.</summary>
public static class LeftoverKinds
{
    public const string Service = "service";
    public const string TaskDefinition = "task-definition";
    public const string LoadBalancer = "load-balancer";
    public const string TargetGroup = "target-group";
    public const string LogGroup = "log-group";
    public const string ContainerInstance = "container-instance";
    public const string Containers = "containers";
}
