using Berth.Core.Ecs;

namespace Berth.Core.Tasks;

/// <summary>
/// What RunTask, StartTask and the service scheduler ask for, once validated: one or more copies of a revision;
/// <c>Network</c> is set for awsvpc tasks.
/// </summary>
public sealed record TaskLaunch(
    TaskDefinition Definition,
    TaskOverride? Overrides,
    string? StartedBy,
    string Group,
    IReadOnlyList<Tag> Tags,
    string LaunchType,
    Networking.TaskNetworkRequest? Network = null);
