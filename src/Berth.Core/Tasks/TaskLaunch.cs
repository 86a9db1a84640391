using Berth.Core.Ecs;

namespace Berth.Core.Tasks;

/// <summary>What RunTask, StartTask and the service scheduler ask for, once validated: one or more copies of a revision.</summary>
public sealed record TaskLaunch(
    TaskDefinition Definition,
    TaskOverride? Overrides,
    string? StartedBy,
    string Group,
    IReadOnlyList<Tag> Tags,
    string LaunchType);
