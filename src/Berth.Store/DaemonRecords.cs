using Berth.Core.Arns;
using Berth.Core.Daemons;
using Berth.Core.State;

namespace Berth.Store;

/// <summary>
/// The records of the ECS Daemon API and how each is addressed. Daemon task definitions are filed per account and
/// region like task definitions (a family counter and one record per revision), daemons per account and region sorted
/// by cluster and name (so ListDaemons reads one range, with or without a cluster), and a daemon's revisions and
/// deployments under the daemon's ARN (deployments in creation order), deleted with it.
/// </summary>
public static class DaemonRecords
{
    /// <summary>Id: ARN; scope: account-region prefix; sort key: family and zero-padded revision.</summary>
    public static readonly RecordType<DaemonTaskDefinitionRecord> TaskDefinitions = new("daemon-task-definition", StateJsonContext.Default);

    /// <summary>Id: <see cref="FamilyId"/>; sort key: family name. The revision counter of a family.</summary>
    public static readonly RecordType<TaskDefinitionFamily> TaskDefinitionFamilies = new("daemon-task-definition-family", StateJsonContext.Default);

    /// <summary>Id: daemon ARN; scope: account-region prefix; sort key: <see cref="DaemonSortKey"/>.</summary>
    public static readonly RecordType<DaemonRecord> Daemons = new("daemon", StateJsonContext.Default);

    /// <summary>Id: revision ARN; scope: daemon ARN; sort key: its ARN. Immutable.</summary>
    public static readonly RecordType<DaemonRevisionRecord> Revisions = new("daemon-revision", StateJsonContext.Default);

    /// <summary>Id: deployment ARN; scope: daemon ARN; sort key: creation order.</summary>
    public static readonly RecordType<DaemonDeploymentRecord> Deployments = new("daemon-deployment", StateJsonContext.Default);

    public static string FamilyId(ResourceScope scope, string family) => $"{scope.EcsArnPrefix}:daemon-task-definition-family/{family}";

    /// <summary>Cluster name, a space, daemon name: a space sorts before every character a name may hold, so one cluster is one range.</summary>
    public static string DaemonSortKey(string clusterName, string daemonName) => $"{clusterName} {daemonName}";

    public static string TaskDefinitionSortKey(string family, int revision) => EcsRecords.TaskDefinitionSortKey(family, revision);

    public static PutRecord PutTaskDefinition(ResourceScope scope, DaemonTaskDefinitionRecord record, long expectedVersion) =>
        TaskDefinitions.Put(record.Definition.DaemonTaskDefinitionArn!, scope.EcsArnPrefix,
            TaskDefinitionSortKey(record.Definition.Family!, record.Definition.Revision!.Value), record, expectedVersion);

    public static PutRecord PutTaskDefinitionFamily(ResourceScope scope, TaskDefinitionFamily family, long expectedVersion) =>
        TaskDefinitionFamilies.Put(FamilyId(scope, family.Name), scope.EcsArnPrefix, family.Name, family, expectedVersion);

    public static PutRecord PutDaemon(DaemonRecord daemon, long expectedVersion)
    {
        DaemonArns.TryParseDaemon(daemon.DaemonArn, out var scope, out var cluster, out var name);
        return Daemons.Put(daemon.DaemonArn, scope.EcsArnPrefix, DaemonSortKey(cluster, name), daemon, expectedVersion);
    }

    public static PutRecord PutRevision(DaemonRevisionRecord revision) =>
        Revisions.Put(revision.Revision.DaemonRevisionArn!, revision.Revision.DaemonArn!, revision.Revision.DaemonRevisionArn!, revision, 0);

    public static PutRecord PutDeployment(DaemonDeploymentRecord deployment, long expectedVersion) =>
        Deployments.Put(deployment.Deployment.DaemonDeploymentArn!, deployment.DaemonArn,
            EcsRecords.CreationOrderKey(deployment.Deployment.CreatedAt!.Value, deployment.Deployment.DaemonDeploymentArn!), deployment, expectedVersion);
}
