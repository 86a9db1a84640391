using Berth.Core.Ecs;
using Berth.Core.State;
using Berth.Core.Tasks;

namespace Berth.Store;

/// <summary>
/// The kinds of ECS records and how each is addressed. Ids are ARNs; scopes are the account-region ARN
/// prefix (<see cref="Berth.Core.Arns.ResourceScope.EcsArnPrefix"/>) so one region never lists another's.
/// </summary>
public static class EcsRecords
{
    /// <summary>Sort key: cluster name.</summary>
    public static readonly RecordType<Cluster> Clusters = new("cluster", StateJsonContext.Default.Cluster);

    /// <summary>Id: capacity provider ARN; sort key: its name. FARGATE and FARGATE_SPOT are never stored.</summary>
    public static readonly RecordType<CapacityProvider> CapacityProviders = new("capacity-provider", StateJsonContext.Default.CapacityProvider);

    /// <summary>Sort key: <see cref="TaskDefinitionSortKey"/>, so revisions of a family are adjacent and ordered.</summary>
    public static readonly RecordType<TaskDefinitionRecord> TaskDefinitions =
        new("task-definition", StateJsonContext.Default.TaskDefinitionRecord);

    /// <summary>Id: <see cref="FamilyId"/>; sort key: family name.</summary>
    public static readonly RecordType<TaskDefinitionFamily> TaskDefinitionFamilies =
        new("task-definition-family", StateJsonContext.Default.TaskDefinitionFamily);

    /// <summary>Id and sort key: <see cref="AccountSettingKey"/>.</summary>
    public static readonly RecordType<Setting> AccountSettings = new("account-setting", StateJsonContext.Default.Setting);

    /// <summary>Scope: cluster ARN; sort key: instance id.</summary>
    public static readonly RecordType<ContainerInstanceRecord> ContainerInstances =
        new(ContainerInstanceKind, StateJsonContext.Default.ContainerInstanceRecord);

    /// <summary>Scope: cluster ARN; sort key: <see cref="TaskSortKey"/>, so counting by status is one index range.</summary>
    public static readonly RecordType<EcsTask> Tasks = new(TaskKind, StateJsonContext.Default.EcsTask);

    /// <summary>Id: task ARN; scope: container instance ARN; sort key: task ARN.</summary>
    public static readonly RecordType<TaskAssignmentRecord> TaskAssignments =
        new("task-assignment", StateJsonContext.Default.TaskAssignmentRecord);

    /// <summary>Id: service ARN; scope: cluster ARN; sort key: <see cref="ServiceSortKey"/>, so ACTIVE services are one index range.</summary>
    public static readonly RecordType<ServiceRecord> Services = new(ServiceKind, StateJsonContext.Default.ServiceRecord);

    /// <summary>Id: task ARN; scope: cluster ARN; sort key: task ARN. Present only while asked for; swept once expired.</summary>
    public static readonly RecordType<TaskProtectionRecord> TaskProtections =
        new("task-protection", StateJsonContext.Default.TaskProtectionRecord);

    /// <summary>
    /// Id: <see cref="RunTaskTokenId"/>; scope: cluster ARN; sort key: the token. RunTask client tokens, swept once
    /// expired (<see cref="RunTaskIdempotency.Lifetime"/>).
    /// </summary>
    public static readonly RecordType<RunTaskTokenRecord> RunTaskTokens = new("run-task-token", StateJsonContext.Default.RunTaskTokenRecord);

    public const string ContainerInstanceKind = "container-instance";
    public const string TaskKind = "task";
    public const string ServiceKind = "service";

    public static string ServiceSortKey(Service service) => $"{service.Status} {service.ServiceName}";

    public static string TaskSortKey(EcsTask task) => $"{task.LastStatus} {task.TaskArn}";

    /// <summary>A space sorts before every character a family name may contain, so "web" precedes "web-2".</summary>
    public static string TaskDefinitionSortKey(string family, int revision) =>
        $"{family} {revision.ToString("D10", System.Globalization.CultureInfo.InvariantCulture)}";

    /// <summary>A token has no spaces (ASCII 33–126), so the space keeps cluster and token apart.</summary>
    public static string RunTaskTokenId(string clusterArn, string clientToken) => $"{clusterArn} {clientToken}";

    public static string FamilyId(string scopePrefix, string family) => $"{scopePrefix}:task-definition-family/{family}";

    /// <summary>One setting of one principal (or of the account default, when <paramref name="principalArn"/> is "default").</summary>
    public static string AccountSettingKey(string principalArn, string name) => $"{principalArn} {name}";
}
