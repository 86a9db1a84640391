using System.Globalization;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.State;
using Berth.Core.Tasks;

namespace Berth.Store;

/// <summary>
/// The kinds of ECS records and how each is addressed: the one place that derives a record's id, scope and sort key,
/// so every writer of a kind files it the same way. Ids are ARNs; scopes are the account-region ARN prefix
/// (<see cref="Berth.Core.Arns.ResourceScope.EcsArnPrefix"/>) so one region never lists another's, or a cluster ARN.
/// </summary>
public static class EcsRecords
{
    /// <summary>Scope: the ARN's account-region prefix; sort key: cluster name.</summary>
    public static readonly RecordType<Cluster> Clusters = new("cluster", StateJsonContext.Default);

    /// <summary>Id: capacity provider ARN; sort key: its name. FARGATE and FARGATE_SPOT are never stored.</summary>
    public static readonly RecordType<CapacityProvider> CapacityProviders = new("capacity-provider", StateJsonContext.Default);

    /// <summary>Sort key: family and zero-padded revision, so revisions of a family are adjacent and ordered.</summary>
    public static readonly RecordType<TaskDefinitionRecord> TaskDefinitions =
        new("task-definition", StateJsonContext.Default);

    /// <summary>Id: <see cref="FamilyId"/>; sort key: family name.</summary>
    public static readonly RecordType<TaskDefinitionFamily> TaskDefinitionFamilies =
        new("task-definition-family", StateJsonContext.Default);

    /// <summary>Id: <see cref="AccountSettingId"/>; sort key: principal and setting name.</summary>
    public static readonly RecordType<Setting> AccountSettings = new("account-setting", StateJsonContext.Default);

    /// <summary>Scope: cluster ARN (or the Fargate pool's scope); sort key: instance id.</summary>
    public static readonly RecordType<ContainerInstanceRecord> ContainerInstances =
        new(ContainerInstanceKind, StateJsonContext.Default);

    /// <summary>
    /// Id: container instance ARN; scope and sort key: its instance's (<see cref="PutHeartbeat"/>), so a cluster's
    /// heartbeats are one range. Apart from the instance record so a heartbeat never conflicts with a placement.
    /// </summary>
    public static readonly RecordType<AgentHeartbeatRecord> AgentHeartbeats = new(AgentHeartbeatKind, StateJsonContext.Default);

    /// <summary>
    /// Scope: cluster ARN; sort key: <see cref="TaskSortKey"/>, so counting by status is one index range; index key:
    /// <see cref="TaskIndexKey"/>, so a service's tasks, or the tasks of one desired status, are one range too.
    /// </summary>
    public static readonly RecordType<EcsTask> Tasks = new(TaskKind, StateJsonContext.Default);

    /// <summary>Id: task ARN; scope: container instance ARN; sort key: task ARN.</summary>
    public static readonly RecordType<TaskAssignmentRecord> TaskAssignments =
        new("task-assignment", StateJsonContext.Default);

    /// <summary>Id: service ARN; scope: cluster ARN; sort key: <see cref="ServiceSortKey"/>, so ACTIVE services are one index range.</summary>
    public static readonly RecordType<ServiceRecord> Services = new(ServiceKind, StateJsonContext.Default);

    /// <summary>
    /// Id: service deployment ARN; scope: service ARN; sort key: <see cref="ServiceDeploymentSortKey"/>, so a service's
    /// deployments are one index range in creation order. Deleted with the service (ServiceDeploymentHistory).
    /// </summary>
    public static readonly RecordType<ServiceDeployment> ServiceDeployments = new("service-deployment", StateJsonContext.Default);

    /// <summary>Id: service revision ARN; scope: service ARN; sort key: its ARN. Immutable; deleted with the service.</summary>
    public static readonly RecordType<ServiceRevision> ServiceRevisions = new("service-revision", StateJsonContext.Default);

    /// <summary>Id: task ARN; scope: cluster ARN; sort key: task ARN. Present only while asked for; swept once expired.</summary>
    public static readonly RecordType<TaskProtectionRecord> TaskProtections =
        new("task-protection", StateJsonContext.Default);

    /// <summary>
    /// Id: <see cref="RunTaskTokenId"/>; scope: cluster ARN; sort key: the token. RunTask client tokens, swept once
    /// expired (<see cref="RunTaskIdempotency.Lifetime"/>).
    /// </summary>
    public static readonly RecordType<RunTaskTokenRecord> RunTaskTokens = new("run-task-token", StateJsonContext.Default);

    public const string ContainerInstanceKind = "container-instance";
    public const string AgentHeartbeatKind = "agent-heartbeat";
    public const string TaskKind = "task";
    public const string ServiceKind = "service";

    public static string ServiceSortKey(Service service) => $"{service.Status} {service.ServiceName}";

    public static string ServiceDeploymentSortKey(ServiceDeployment deployment) => CreationOrderKey(deployment.CreatedAt!.Value, deployment.ServiceDeploymentArn!);

    /// <summary>Creation time in zero-padded ticks, then the ARN: creation order, ties broken by ARN.</summary>
    internal static string CreationOrderKey(DateTimeOffset createdAt, string arn) =>
        $"{createdAt.UtcTicks.ToString("D19", CultureInfo.InvariantCulture)} {arn}";

    public static string TaskSortKey(EcsTask task) => $"{task.LastStatus} {task.TaskArn}";

    /// <summary>
    /// Desired status, then group, each closed by a line feed (which neither contains), so a prefix of the status, or
    /// of both, is exactly the tasks that have them: what ListTasks and the service scheduler ask for. The store's
    /// migrations compute the same key for tasks stored before it existed.
    /// </summary>
    public static string TaskIndexKey(EcsTask task) => $"{task.DesiredStatus}\n{task.Group}\n";

    /// <summary>The <see cref="RecordQuery.IndexKeyPrefix"/> of the tasks of one desired status (and, given, one group).</summary>
    public static string TaskIndexPrefix(string desiredStatus, string? group = null) =>
        group is null ? $"{desiredStatus}\n" : $"{desiredStatus}\n{group}\n";

    /// <summary>A token has no spaces (ASCII 33–126), so the space keeps cluster and token apart.</summary>
    public static string RunTaskTokenId(string clusterArn, string clientToken) => $"{clusterArn} {clientToken}";

    public static string FamilyId(string scopePrefix, string family) => $"{scopePrefix}:task-definition-family/{family}";

    /// <summary>One setting of one principal, or of the account default when <paramref name="principalArn"/> is "*".</summary>
    public static string AccountSettingId(string scopePrefix, string principalArn, string name) => $"{scopePrefix} {AccountSettingKey(principalArn, name)}";

    public static PutRecord PutCluster(Cluster cluster, long expectedVersion)
    {
        var arn = cluster.ClusterArn!;
        return Clusters.Put(arn, PrefixOf(arn, ":cluster/"), cluster.ClusterName!, cluster, expectedVersion);
    }

    public static PutRecord PutCapacityProvider(CapacityProvider provider, long expectedVersion)
    {
        var arn = provider.CapacityProviderArn!;
        return CapacityProviders.Put(arn, PrefixOf(arn, ":capacity-provider/"), provider.Name!, provider, expectedVersion);
    }

    public static PutRecord PutTaskDefinition(TaskDefinitionRecord record, long expectedVersion)
    {
        var definition = record.Definition;
        var arn = definition.TaskDefinitionArn!;
        return TaskDefinitions.Put(arn, PrefixOf(arn, ":task-definition/"), TaskDefinitionSortKey(definition.Family!, definition.Revision!.Value), record, expectedVersion);
    }

    public static PutRecord PutTaskDefinitionFamily(string scopePrefix, TaskDefinitionFamily family, long expectedVersion) =>
        TaskDefinitionFamilies.Put(FamilyId(scopePrefix, family.Name), scopePrefix, family.Name, family, expectedVersion);

    public static PutRecord PutAccountSetting(string scopePrefix, string principalArn, Setting setting, long expectedVersion) =>
        AccountSettings.Put(AccountSettingId(scopePrefix, principalArn, setting.Name!), scopePrefix, AccountSettingKey(principalArn, setting.Name!), setting, expectedVersion);

    /// <summary>A container instance is filed under its cluster, or for managed (Fargate) instances under the pool's own scope, which no cluster query reads.</summary>
    public static PutRecord PutInstance(ContainerInstanceRecord record, long expectedVersion)
    {
        var arn = record.Instance.ContainerInstanceArn!;
        return ContainerInstances.Put(arn, ManagedCapacity.InstanceScopeOf(ClusterArnOf(arn)), record.Identity.InstanceId, record, expectedVersion);
    }

    /// <summary>The heartbeat of <paramref name="instance"/>'s agent, filed as the instance is.</summary>
    public static PutRecord PutHeartbeat(ContainerInstanceRecord instance, AgentHeartbeatRecord heartbeat, long expectedVersion)
    {
        var arn = instance.Instance.ContainerInstanceArn!;
        return AgentHeartbeats.Put(arn, ManagedCapacity.InstanceScopeOf(ClusterArnOf(arn)), instance.Identity.InstanceId, heartbeat, expectedVersion);
    }

    /// <summary>Tells the instance's agent (through its long-poll) that its assignments changed.</summary>
    public static PutRecord BumpAssignments(Versioned<ContainerInstanceRecord> instance) =>
        PutInstance(instance.Value with { AssignmentsVersion = instance.Value.AssignmentsVersion + 1 }, instance.Version);

    public static PutRecord PutTask(EcsTask task, long expectedVersion) =>
        Tasks.Put(task.TaskArn!, task.ClusterArn!, TaskSortKey(task), task, expectedVersion, TaskIndexKey(task));

    public static PutRecord PutClaim(TaskAssignmentRecord claim, string containerInstanceArn, long expectedVersion) =>
        TaskAssignments.Put(claim.TaskArn, containerInstanceArn, claim.TaskArn, claim, expectedVersion);

    public static PutRecord PutService(ServiceRecord record, long expectedVersion) =>
        Services.Put(record.Service.ServiceArn!, record.Service.ClusterArn!, ServiceSortKey(record.Service), record, expectedVersion);

    public static PutRecord PutServiceDeployment(ServiceDeployment deployment, long expectedVersion) =>
        ServiceDeployments.Put(deployment.ServiceDeploymentArn!, deployment.ServiceArn!, ServiceDeploymentSortKey(deployment), deployment, expectedVersion);

    public static PutRecord PutServiceRevision(ServiceRevision revision, long expectedVersion) =>
        ServiceRevisions.Put(revision.ServiceRevisionArn!, revision.ServiceArn!, revision.ServiceRevisionArn!, revision, expectedVersion);

    public static PutRecord PutTaskProtection(string clusterArn, TaskProtectionRecord protection, long expectedVersion) =>
        TaskProtections.Put(protection.TaskArn, clusterArn, protection.TaskArn, protection, expectedVersion);

    public static PutRecord PutRunTaskToken(string clusterArn, RunTaskTokenRecord record, long expectedVersion) =>
        RunTaskTokens.Put(RunTaskTokenId(clusterArn, record.ClientToken), clusterArn, record.ClientToken, record, expectedVersion);

    /// <summary>A space sorts before every character a family name may contain, so "web" precedes "web-2".</summary>
    internal static string TaskDefinitionSortKey(string family, int revision) =>
        $"{family} {revision.ToString("D10", CultureInfo.InvariantCulture)}";

    private static string AccountSettingKey(string principalArn, string name) => $"{principalArn} {name}";

    /// <summary>The account-region prefix of an ECS ARN: everything before its resource part.</summary>
    private static string PrefixOf(string arn, string resourceMarker) => arn[..arn.IndexOf(resourceMarker, StringComparison.Ordinal)];

    /// <summary><c>…:container-instance/{cluster}/{id}</c> → <c>…:cluster/{cluster}</c>.</summary>
    private static string ClusterArnOf(string instanceArn)
    {
        const string marker = ":container-instance/";
        var at = instanceArn.IndexOf(marker, StringComparison.Ordinal);
        var rest = instanceArn[(at + marker.Length)..];
        return $"{instanceArn[..at]}:cluster/{rest[..rest.IndexOf('/', StringComparison.Ordinal)]}";
    }
}
