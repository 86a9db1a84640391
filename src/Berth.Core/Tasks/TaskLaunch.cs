using Berth.Core.Ecs;

namespace Berth.Core.Tasks;

/// <summary>
/// What RunTask, StartTask and the service scheduler ask for, once validated: one or more copies of a revision;
/// <c>Network</c> is set for awsvpc tasks; <c>PlatformVersion</c> (1.4.0) for Fargate tasks, and
/// <c>CapacityProviderName</c> when a capacity provider strategy chose where they run; <c>EnableExecuteCommand</c> when
/// RunTask or the service asked for ECS Exec.
/// </summary>
public sealed record TaskLaunch(
    TaskDefinition Definition,
    TaskOverride? Overrides,
    string? StartedBy,
    string Group,
    IReadOnlyList<Tag> Tags,
    string LaunchType,
    Networking.TaskNetworkRequest? Network = null,
    string? PlatformVersion = null,
    string? CapacityProviderName = null,
    bool EnableExecuteCommand = false)
{
    public bool IsFargate => LaunchType == Capacity.FargateRules.LaunchType;
}
