using System.Text.Json;
using Berth.Core.Arns;
using static Berth.Core.Identity.Authorization.OperationRule;

namespace Berth.Core.Identity.Authorization.Services;

/// <summary>
/// Amazon ECS, from "Actions, resources, and condition keys for Amazon Elastic Container Service". Every ECS
/// request that names no cluster is about the <c>default</c> cluster, as ECS itself assumes.
/// </summary>
internal static class EcsAuthorization
{
    private const string Prefix = "arn:${Partition}:ecs:${Region}:${Account}:";
    private const string DefaultCluster = "default";

    public static readonly ServiceAuthorization Rules = new(
        "ecs",
        [
            ResourceType.Named("cluster", Prefix + "cluster/${ClusterName}", "ClusterName", "cluster", "clusters", "clusterName", "clusterArn"),
            ResourceType.Named("service", Prefix + "service/${ClusterName}/${ServiceName}", "ServiceName", "service", "services", "serviceName", "serviceArn"),
            ResourceType.Named("task", Prefix + "task/${ClusterName}/${TaskId}", "TaskId", "task", "tasks"),
            ResourceType.Named("container-instance", Prefix + "container-instance/${ClusterName}/${ContainerInstanceId}", "ContainerInstanceId",
                "containerInstance", "containerInstances", "attributes[].targetId"),
            new("task-definition", new ArnTemplate(Prefix + "task-definition/${TaskDefinitionFamilyName}:${TaskDefinitionRevisionNumber}"),
                ["taskDefinition", "taskDefinitions", "family"], (value, _) => FamilyRevision(value, "TaskDefinition")),
            ResourceType.Named("capacity-provider", Prefix + "capacity-provider/${CapacityProviderName}", "CapacityProviderName",
                "capacityProvider", "capacityProviders", "name"),
            ResourceType.Named("task-set", Prefix + "task-set/${ClusterName}/${ServiceName}/${TaskSetId}", "TaskSetId", "taskSet", "taskSets"),
            ResourceType.Named("service-deployment", Prefix + "service-deployment/${ClusterName}/${ServiceName}/${ServiceDeploymentId}",
                "ServiceDeploymentId", "serviceDeploymentArn", "serviceDeploymentArns"),
            ResourceType.Named("service-revision", Prefix + "service-revision/${ClusterName}/${ServiceName}/${ServiceRevisionId}",
                "ServiceRevisionId", "serviceRevisionArns"),
            ResourceType.Named("daemon", Prefix + "daemon/${ClusterName}/${DaemonName}", "DaemonName", "daemonName", "daemonArn"),
            ResourceType.Named("daemon-deployment", Prefix + "daemon-deployment/${ClusterName}/${DaemonName}/${DaemonDeploymentId}",
                "DaemonDeploymentId", "daemonDeploymentArns"),
            ResourceType.Named("daemon-revision", Prefix + "daemon-revision/${ClusterName}/${DaemonName}/${DaemonRevisionId}",
                "DaemonRevisionId", "daemonRevisionArns"),
            new("daemon-task-definition",
                new ArnTemplate(Prefix + "daemon-task-definition/${DaemonTaskDefinitionFamilyName}:${DaemonTaskDefinitionRevisionNumber}"),
                ["daemonTaskDefinition", "family"], (value, _) => FamilyRevision(value, "DaemonTaskDefinition")),
        ],
        new Dictionary<string, VariableSource>
        {
            ["ClusterName"] = new(["cluster", "clusterArn"], Default: DefaultCluster),
            ["ServiceName"] = new(["service", "serviceName"]),
        },
        new Dictionary<string, OperationRule>
        {
            ["ContinueServiceDeployment"] = Types("service", "service-deployment"),
            ["CreateCapacityProvider"] = Types("capacity-provider"),
            ["CreateCluster"] = Types("cluster"),
            ["CreateDaemon"] = Types("daemon"),
            ["CreateExpressGatewayService"] = Types("service"),
            ["CreateService"] = Types("service"),
            ["CreateTaskSet"] = Types("task-set"),
            ["DeleteAttributes"] = Types("container-instance"),
            ["DeleteCapacityProvider"] = Types("capacity-provider"),
            ["DeleteCluster"] = Types("cluster"),
            ["DeleteDaemon"] = Types("daemon"),
            ["DeleteDaemonTaskDefinition"] = Types("daemon-task-definition"),
            ["DeleteExpressGatewayService"] = Types("service"),
            ["DeleteService"] = Types("service"),
            ["DeleteTaskDefinitions"] = Types("task-definition"),
            ["DeleteTaskSet"] = Types("task-set"),
            ["DeregisterContainerInstance"] = Types("cluster"),
            ["DescribeCapacityProviders"] = Types("capacity-provider"),
            ["DescribeClusters"] = Types("cluster"),
            ["DescribeContainerInstances"] = Types("container-instance"),
            ["DescribeDaemon"] = Types("daemon"),
            ["DescribeDaemonDeployments"] = Types("daemon", "daemon-deployment"),
            ["DescribeDaemonRevisions"] = Types("daemon", "daemon-revision"),
            ["DescribeDaemonTaskDefinition"] = Types("daemon-task-definition"),
            ["DescribeExpressGatewayService"] = Types("service"),
            ["DescribeServiceDeployments"] = Types("service", "service-deployment"),
            ["DescribeServiceRevisions"] = Types("service", "service-revision"),
            ["DescribeServices"] = Types("service"),
            ["DescribeTaskSets"] = Types("task-set"),
            ["DescribeTasks"] = Types("task"),
            ["ExecuteCommand"] = Types("cluster", "task"),
            ["GetTaskProtection"] = Types("task"),
            ["ListAttributes"] = Types("cluster"),
            ["ListContainerInstances"] = Types("cluster"),
            ["ListDaemonDeployments"] = Types("daemon"),
            ["ListServiceDeployments"] = Types("service"),
            ["ListTagsForResource"] = ArnsIn("resourceArn"),
            ["ListTasks"] = Types("container-instance"),
            ["PutAttributes"] = Types("container-instance"),
            ["PutClusterCapacityProviders"] = Types("cluster"),
            ["RegisterContainerInstance"] = Types("cluster"),
            ["RegisterDaemonTaskDefinition"] = Types("daemon-task-definition"),
            ["RegisterTaskDefinition"] = Types("task-definition"),
            ["RunTask"] = Types("task-definition"),
            ["StartTask"] = Types("task-definition"),
            ["StopServiceDeployment"] = Types("service", "service-deployment"),
            ["StopTask"] = Types("task"),
            ["SubmitAttachmentStateChanges"] = Types("cluster"),
            ["SubmitContainerStateChange"] = Types("cluster"),
            ["SubmitTaskStateChange"] = Types("cluster"),
            ["TagResource"] = ArnsIn("resourceArn"),
            ["UntagResource"] = ArnsIn("resourceArn"),
            ["UpdateCapacityProvider"] = Types("capacity-provider"),
            ["UpdateCluster"] = Types("cluster"),
            ["UpdateClusterSettings"] = Types("cluster"),
            ["UpdateContainerAgent"] = Types("container-instance"),
            ["UpdateContainerInstancesState"] = Types("container-instance"),
            ["UpdateDaemon"] = Types("daemon"),
            ["UpdateExpressGatewayService"] = Types("service"),
            ["UpdateService"] = Types("service"),
            ["UpdateServicePrimaryTaskSet"] = Types("service"),
            ["UpdateTaskProtection"] = Types("task"),
            ["UpdateTaskSet"] = Types("task-set"),
        },
        ConditionKeys);

    // The operations whose condition keys include ecs:cluster, ecs:task-definition, ecs:capacity-provider and
    // ecs:enable-execute-command, per the Service Authorization Reference.
    private static readonly HashSet<string> ClusterKey =
    [
        "ContinueServiceDeployment", "CreateDaemon", "CreateExpressGatewayService", "CreateService", "CreateTaskSet", "DeleteAttributes",
        "DeleteDaemon", "DeleteExpressGatewayService", "DeleteService", "DeleteTaskSet", "DescribeContainerInstances", "DescribeDaemon",
        "DescribeDaemonDeployments", "DescribeDaemonRevisions", "DescribeExpressGatewayService", "DescribeServiceDeployments",
        "DescribeServiceRevisions", "DescribeServices", "DescribeTaskSets", "DescribeTasks", "ExecuteCommand", "GetTaskProtection",
        "ListDaemonDeployments", "ListDaemons", "ListServiceDeployments", "ListServices", "ListTasks", "PutAttributes", "RunTask", "StartTask",
        "StopServiceDeployment", "StopTask", "UpdateContainerAgent", "UpdateContainerInstancesState", "UpdateDaemon",
        "UpdateExpressGatewayService", "UpdateService", "UpdateServicePrimaryTaskSet", "UpdateTaskProtection", "UpdateTaskSet",
    ];

    private static readonly HashSet<string> TaskDefinitionKey = ["CreateExpressGatewayService", "CreateService", "CreateTaskSet", "UpdateService"];

    private static readonly HashSet<string> CapacityProviderKey =
        ["CreateCluster", "CreateDaemon", "CreateService", "CreateTaskSet", "PutClusterCapacityProviders", "RunTask", "UpdateDaemon", "UpdateService"];

    private static readonly HashSet<string> ExecuteCommandKey = ["CreateDaemon", "CreateService", "RunTask", "StartTask", "UpdateDaemon", "UpdateService"];

    private static RequestContext ConditionKeys(string operation, JsonElement request, ResourceScope scope, ServiceAuthorization rules, RequestContext context)
    {
        if (ClusterKey.Contains(operation))
        {
            // The cluster the request is about: named by cluster (or clusterArn), or the default cluster.
            var named = RequestMembers.First(request, "cluster") ?? RequestMembers.First(request, "clusterArn") ?? DefaultCluster;
            context = context.With("ecs:cluster", RequestMembers.IsArn(named) ? named : scope.ClusterArn(named));
        }
        if (TaskDefinitionKey.Contains(operation) && RequestMembers.First(request, "taskDefinition") is not null)
        {
            context = context.With("ecs:task-definition", ResourceResolver.Resolve(rules, rules.Type("task-definition"), request, scope).Select(r => r.Arn));
        }
        if (CapacityProviderKey.Contains(operation))
        {
            var providers = RequestMembers.All(request, "capacityProviderStrategy[].capacityProvider")
                .Concat(RequestMembers.All(request, "capacityProviders"))
                .Concat(RequestMembers.All(request, "defaultCapacityProviderStrategy[].capacityProvider"))
                .Select(p => RequestMembers.IsArn(p) ? p : scope.CapacityProviderArn(p))
                .Distinct()
                .ToList();
            context = providers.Count == 0 ? context : context.With("ecs:capacity-provider", providers);
        }
        if (ExecuteCommandKey.Contains(operation) && request.ValueKind == JsonValueKind.Object
            && request.TryGetProperty("enableExecuteCommand", out var enable) && enable.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            context = context.With("ecs:enable-execute-command", enable.ValueKind == JsonValueKind.True ? "true" : "false");
        }
        if (operation == "StartTask")
        {
            context = context.With("ecs:container-instances", ResourceResolver.Resolve(rules, rules.Type("container-instance"), request, scope).Select(r => r.Arn));
        }
        return context;
    }

    /// <summary><c>family:revision</c>, or a family alone (registration, or the latest ACTIVE revision), whose revision is then unknown.</summary>
    private static (IReadOnlyDictionary<string, string>, bool) FamilyRevision(string value, string prefix)
    {
        var colon = value.LastIndexOf(':');
        var variables = colon < 0
            ? new Dictionary<string, string> { [$"{prefix}FamilyName"] = value }
            : new Dictionary<string, string> { [$"{prefix}FamilyName"] = value[..colon], [$"{prefix}RevisionNumber"] = value[(colon + 1)..] };
        return (variables, true);
    }
}
