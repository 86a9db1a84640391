using Berth.Agent.Docker;

namespace Berth.Agent.Tasks;

internal enum DependencyOutcome
{
    Resolved,
    Waiting,
    Impossible,
}

/// <summary>
/// ECS container dependency conditions (ECS developer guide, "Container dependency"), decided from the
/// dependencies' current states: START (it has started), COMPLETE (it ran and exited), SUCCESS (it exited 0),
/// HEALTHY (its health check passes); CREATE is the implicit edge of volumesFrom. A condition that can no longer
/// become true — a SUCCESS dependency that exited 1, a dependency that never started — is Impossible.
/// </summary>
internal static class Dependencies
{
    public static (DependencyOutcome Outcome, string? Detail) Check(PlannedContainer container, Func<string, ContainerState?> find)
    {
        var waitingFor = new List<string>();
        foreach (var dependency in container.DependsOn)
        {
            var d = find(dependency.Container);
            if (d is null)
            {
                return (DependencyOutcome.Impossible, $"container '{container.Name}' depends on unknown container '{dependency.Container}'");
            }
            var (outcome, why) = Check(dependency.Condition, d);
            if (outcome == DependencyOutcome.Impossible)
            {
                return (outcome, $"dependency condition {dependency.Condition} of container '{container.Name}' on container '{d.Name}' can never be met: {why}");
            }
            if (outcome == DependencyOutcome.Waiting)
            {
                waitingFor.Add($"{dependency.Condition} of '{d.Name}'");
            }
        }
        return waitingFor.Count == 0
            ? (DependencyOutcome.Resolved, null)
            : (DependencyOutcome.Waiting, string.Join(", ", waitingFor));
    }

    private static (DependencyOutcome Outcome, string? Detail) Check(string condition, ContainerState d)
    {
        var stopped = d.Phase == ContainerPhase.Stopped;
        var neverRan = stopped && !d.EverStarted ? $"it failed to start ({d.Reason ?? "no reason given"})" : null;
        switch (condition)
        {
            case Dependency.Create:
                return d.RuntimeId is not null ? (DependencyOutcome.Resolved, null)
                    : stopped ? (DependencyOutcome.Impossible, neverRan)
                    : (DependencyOutcome.Waiting, null);
            case Dependency.Start:
                return d.EverStarted || d.Phase == ContainerPhase.Running ? (DependencyOutcome.Resolved, null)
                    : stopped ? (DependencyOutcome.Impossible, neverRan)
                    : (DependencyOutcome.Waiting, null);
            case Dependency.Complete:
                return !stopped ? (DependencyOutcome.Waiting, null)
                    : d.EverStarted ? (DependencyOutcome.Resolved, null)
                    : (DependencyOutcome.Impossible, neverRan);
            case Dependency.Success:
                return !stopped ? (DependencyOutcome.Waiting, null)
                    : !d.EverStarted ? (DependencyOutcome.Impossible, neverRan)
                    : d.ExitCode == 0 ? (DependencyOutcome.Resolved, (string?)null)
                    : (DependencyOutcome.Impossible, $"it exited with code {d.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"}");
            case Dependency.Healthy:
                return stopped ? (DependencyOutcome.Impossible, (string?)"it stopped before it became healthy")
                    : d.Health == "HEALTHY" ? (DependencyOutcome.Resolved, null)
                    : (DependencyOutcome.Waiting, null);
            default:
                return (DependencyOutcome.Impossible, $"unknown condition '{condition}'");
        }
    }
}
