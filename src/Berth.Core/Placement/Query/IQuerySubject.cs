namespace Berth.Core.Placement.Query;

/// <summary>
/// What a cluster query expression can look at: one container instance. Placement (memberOf constraints) and
/// ListContainerInstances (<c>--filter</c>) each adapt their own view of an instance to this.
/// </summary>
public interface IQuerySubject
{
    /// <summary><c>ec2InstanceId</c>; null when the instance has none (the subject is then absent).</summary>
    string? Ec2InstanceId { get; }

    /// <summary><c>agentConnected</c>.</summary>
    bool AgentConnected { get; }

    /// <summary><c>agentVersion</c>, e.g. <c>1.14.5</c>; null when unknown (the subject is then absent).</summary>
    string? AgentVersion { get; }

    /// <summary><c>registeredAt</c>.</summary>
    DateTimeOffset RegisteredAt { get; }

    /// <summary><c>runningTasksCount</c>.</summary>
    int RunningTasksCount { get; }

    /// <summary>
    /// <c>attribute:name</c>. True when the instance has the attribute; <paramref name="value"/> is null for an
    /// attribute that is present without a value.
    /// </summary>
    bool TryGetAttribute(string name, out string? value);

    /// <summary>
    /// <c>task:group</c>: the groups of the tasks on the instance (duplicates allowed). ECS's example
    /// <c>task:group == service:production</c> "selects instances that are hosting tasks in the
    /// service:production group", so the subject is the set of groups present, not one value.
    /// </summary>
    IReadOnlyList<string> TaskGroups { get; }
}
