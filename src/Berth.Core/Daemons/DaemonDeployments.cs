using Berth.Core.Ecs;

namespace Berth.Core.Daemons;

/// <summary>
/// The records CreateDaemon, UpdateDaemon and DeleteDaemon write: each starts a daemon deployment (PENDING until the
/// daemon scheduler's next round picks it up), the first two from a new immutable revision, and a deployment still
/// under way is STOPPED as replaced, as the developer guide describes ("stopped … because it … was replaced by a new
/// deployment").
/// </summary>
public static class DaemonDeployments
{
    public const string SupersededReason = "The daemon deployment was replaced by a newer deployment.";

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>A deployment id: 22 letters and digits, as a service deployment's ARN ends.</summary>
    public static string NewId(Random random) => new([.. Enumerable.Range(0, 22).Select(_ => IdAlphabet[random.Next(IdAlphabet.Length)])]);

    /// <summary>What a revision captures (DaemonRevision: task definition, images, tag propagation, managed tags, ECS Exec) and where it runs.</summary>
    public sealed record RevisionSettings(
        DaemonTaskDefinition Definition, IReadOnlyList<string> CapacityProviderArns, string? PropagateTags, bool EnableEcsManagedTags, bool EnableExecuteCommand);

    public static DaemonRevisionRecord Revision(string daemonArn, string clusterArn, int number, RevisionSettings settings, DateTimeOffset now) => new(
        new DaemonRevision
        {
            DaemonRevisionArn = DaemonArns.Revision(daemonArn, number),
            ClusterArn = clusterArn,
            DaemonArn = daemonArn,
            DaemonTaskDefinitionArn = settings.Definition.DaemonTaskDefinitionArn,
            CreatedAt = now,
            ContainerImages = DaemonTaskDefinitions.ImagesOf(settings.Definition),
            PropagateTags = settings.PropagateTags ?? "NONE",
            EnableECSManagedTags = settings.EnableEcsManagedTags,
            EnableExecuteCommand = settings.EnableExecuteCommand,
        },
        settings.CapacityProviderArns);

    /// <summary>A deployment from the revisions running now (<paramref name="sources"/>) to <paramref name="target"/>; null target for a deletion.</summary>
    public static DaemonDeploymentRecord Deployment(
        string daemonArn, string clusterArn, string id, DaemonRevisionRecord? target, IReadOnlyList<string> sources,
        DaemonDeploymentConfiguration configuration, DateTimeOffset now) => new(
        daemonArn,
        new DaemonDeployment
        {
            DaemonDeploymentArn = DaemonArns.Deployment(daemonArn, id),
            ClusterArn = clusterArn,
            Status = DaemonDeploymentStatuses.Pending,
            TargetDaemonRevision = target is null ? null : new DaemonDeploymentRevisionDetail { Arn = target.Revision.DaemonRevisionArn },
            SourceDaemonRevisions = [.. sources.Select(arn => new DaemonDeploymentRevisionDetail { Arn = arn })],
            CircuitBreaker = new DaemonCircuitBreaker { Status = DaemonDeploymentStatuses.Monitoring, FailureCount = 0, Threshold = 0 },
            Alarms = configuration.Alarms is { Enable: true } alarms
                ? new DaemonDeploymentAlarms { Status = DaemonDeploymentStatuses.Monitoring, AlarmNames = alarms.AlarmNames, TriggeredAlarmNames = [] }
                : new DaemonDeploymentAlarms { Status = DaemonDeploymentStatuses.Disabled },
            DeploymentConfiguration = configuration,
            CreatedAt = now,
        });

    /// <summary>
    /// The revisions a new deployment replaces: the daemon's current one, and those the deployment it replaces was
    /// still moving away from (some instances may run them yet).
    /// </summary>
    public static IReadOnlyList<string> SourcesOf(DaemonRecord daemon, DaemonDeploymentRecord? latest)
    {
        var sources = new List<string> { daemon.RevisionArn };
        if (latest is { } previous && DaemonDeploymentStatuses.IsRunning(previous.Deployment.Status))
        {
            sources.AddRange((previous.Deployment.SourceDaemonRevisions ?? []).Select(s => s.Arn!));
        }
        return [.. sources.Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The deployment a newer one replaces, STOPPED; one already finished is left as it is (null).</summary>
    public static DaemonDeploymentRecord? Supersede(DaemonDeploymentRecord? latest, DateTimeOffset now) =>
        latest is { } previous && DaemonDeploymentStatuses.IsRunning(previous.Deployment.Status)
            ? previous with
            {
                Deployment = previous.Deployment with
                {
                    Status = DaemonDeploymentStatuses.Stopped,
                    StatusReason = SupersededReason,
                    StoppedAt = now,
                    CircuitBreaker = previous.Deployment.CircuitBreaker is { } breaker ? breaker with { Status = DaemonDeploymentStatuses.MonitoringComplete } : null,
                },
            }
            : null;
}
