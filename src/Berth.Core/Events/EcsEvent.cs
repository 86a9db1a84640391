namespace Berth.Core.Events;

/// <summary>
/// One entry of the event stream, shaped after the EventBridge events ECS emits: a detail type, the resources it is
/// about, when it happened and its detail. <see cref="ClusterArn"/> is what the stream filters on; region and account
/// come from it when the envelope is written (<see cref="EventEnvelope"/>). <see cref="Detail"/> is the detail's JSON
/// as UTF-8, which the envelope takes as it is: a task's detail is (most of) its stored JSON, so no document is built
/// of it only to be written out again.
/// </summary>
public sealed record EcsEvent(string DetailType, string ClusterArn, IReadOnlyList<string> Resources, DateTimeOffset Time, ReadOnlyMemory<byte> Detail);

/// <summary>The detail types of the stream; the first and last are EventBridge's names for ECS events.</summary>
public static class EcsEventTypes
{
    /// <summary>Detail: the task as DescribeTasks reports it; emitted when a task appears or its lastStatus or desiredStatus changes.</summary>
    public const string TaskStateChange = "ECS Task State Change";

    /// <summary>
    /// Detail: one entry of a service's <c>events</c> (what DescribeServices shows) with its cluster and service. ECS
    /// sends no such event to EventBridge (its "ECS Service Action" carries an event name, not these messages), so the
    /// name is Berth's own rather than one that would promise ECS's shape.
    /// </summary>
    public const string ServiceEvent = "ECS Service Event";

    /// <summary>Detail as EventBridge's: eventType, eventName (SERVICE_DEPLOYMENT_IN_PROGRESS, _COMPLETED, _FAILED), deploymentId, updatedAt, reason.</summary>
    public const string DeploymentStateChange = "ECS Deployment State Change";

    /// <summary>
    /// Detail: eventType, eventName HOOK_AWAITING_ACTION, the deployment, its service deployment, the hook run (hookId,
    /// lifecycleStage, expiresAt, timeoutAction); emitted when a PAUSE lifecycle hook starts waiting for
    /// ContinueServiceDeployment ("Pause hooks for Amazon ECS service deployments" names the detail type and event name).
    /// </summary>
    public const string HookStateChange = "ECS Hook State Change";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
    {
        TaskStateChange, ServiceEvent, DeploymentStateChange, HookStateChange,
    };
}
