using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Tasks;

namespace Berth.Core.Daemons;

/// <summary>What DescribeDaemon and ListDaemons show of a daemon, derived at read time from its record and tasks.</summary>
public static class DaemonViews
{
    /// <summary>
    /// DaemonDetail: currentRevisions are the revisions with RUNNING tasks, and the daemon's own revision even before its
    /// first task runs, each with its running tasks per capacity provider.
    /// </summary>
    public static DaemonDetail Detail(DaemonRecord daemon, IReadOnlyList<EcsTask> tasks, ResourceScope scope)
    {
        var running = tasks.Where(t => t.LastStatus == TaskStatuses.Running && t.StartedBy is not null).ToList();
        var revisions = running.Select(t => t.StartedBy!).Append(daemon.RevisionArn).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        return new DaemonDetail
        {
            DaemonArn = daemon.DaemonArn,
            ClusterArn = daemon.ClusterArn,
            Status = daemon.Status,
            CurrentRevisions = [.. revisions.Select(arn =>
            {
                var here = running.Where(t => t.StartedBy == arn).ToList();
                return new DaemonRevisionDetail
                {
                    Arn = arn,
                    CapacityProviders = [.. here.Where(t => t.CapacityProviderName is not null)
                        .GroupBy(t => t.CapacityProviderName!, StringComparer.Ordinal)
                        .OrderBy(g => g.Key, StringComparer.Ordinal)
                        .Select(g => new DaemonCapacityProvider { Arn = scope.CapacityProviderArn(g.Key), RunningCount = g.Count() })],
                    TotalRunningCount = here.Count,
                };
            })],
            DeploymentArn = daemon.DeploymentArn,
            CreatedAt = daemon.CreatedAt,
            UpdatedAt = daemon.UpdatedAt,
        };
    }

    public static DaemonSummary Summary(DaemonRecord daemon) => new()
    {
        DaemonArn = daemon.DaemonArn,
        Status = daemon.Status,
        CreatedAt = daemon.CreatedAt,
        UpdatedAt = daemon.UpdatedAt,
    };

    public static DaemonDeploymentSummary Summary(DaemonDeploymentRecord record) => new()
    {
        DaemonDeploymentArn = record.Deployment.DaemonDeploymentArn,
        DaemonArn = record.DaemonArn,
        ClusterArn = record.Deployment.ClusterArn,
        Status = record.Deployment.Status,
        StatusReason = record.Deployment.StatusReason,
        TargetDaemonRevisionArn = record.Deployment.TargetDaemonRevision?.Arn,
        CreatedAt = record.Deployment.CreatedAt,
        StartedAt = record.Deployment.StartedAt,
        StoppedAt = record.Deployment.StoppedAt,
        FinishedAt = record.Deployment.FinishedAt,
    };

    public static DaemonTaskDefinitionSummary Summary(DaemonTaskDefinition definition) => new()
    {
        Arn = definition.DaemonTaskDefinitionArn,
        RegisteredAt = definition.RegisteredAt,
        RegisteredBy = definition.RegisteredBy,
        DeleteRequestedAt = definition.DeleteRequestedAt,
        Status = definition.Status,
    };
}
