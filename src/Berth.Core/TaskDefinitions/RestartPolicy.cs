using Berth.Core.Ecs;

namespace Berth.Core.TaskDefinitions;

/// <summary>
/// A container definition's restartPolicy as ECS means it: an enabled container that exits is restarted in place,
/// unless its exit code is ignored or it ran less than the attempt period since its last start.
/// </summary>
public static class RestartPolicy
{
    public const int MaxIgnoredExitCodes = 50;
    public const int MinAttemptPeriodSeconds = 60;
    public const int MaxAttemptPeriodSeconds = 1800;
    public const int DefaultAttemptPeriodSeconds = 300;

    /// <summary>Whether a container that started at <paramref name="startedAt"/> and exited with <paramref name="exitCode"/> at <paramref name="exitedAt"/> is restarted.</summary>
    public static bool Restarts(ContainerRestartPolicy? policy, int? exitCode, DateTimeOffset? startedAt, DateTimeOffset exitedAt)
    {
        if (policy?.Enabled != true || startedAt is null)
        {
            return false;
        }
        if (exitCode is { } code && policy.IgnoredExitCodes?.Contains(code) == true)
        {
            return false;
        }
        var period = TimeSpan.FromSeconds(policy.RestartAttemptPeriod ?? DefaultAttemptPeriodSeconds);
        return exitedAt - startedAt.Value >= period;
    }
}
