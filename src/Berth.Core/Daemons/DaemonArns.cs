using Berth.Core.Arns;

namespace Berth.Core.Daemons;

/// <summary>
/// The ARNs of the Daemon API's resources. The API reference gives none of their formats; Berth files them as ECS
/// files its other resources: a daemon task definition by family and revision as a task definition is
/// (<c>daemon-task-definition/family:revision</c>), a daemon under its cluster as a service is
/// (<c>daemon/cluster/name</c>), and its revisions and deployments under the daemon as a service's are
/// (<c>daemon-revision/cluster/name/number</c>, <c>daemon-deployment/cluster/name/id</c>).
/// </summary>
public static class DaemonArns
{
    public const string TaskDefinitionType = "daemon-task-definition";
    private const string DaemonType = "daemon";
    private const string RevisionType = "daemon-revision";
    private const string DeploymentType = "daemon-deployment";

    public static string TaskDefinition(ResourceScope scope, string family, int revision) =>
        $"{scope.EcsArnPrefix}:{TaskDefinitionType}/{family}:{revision}";

    public static string Daemon(ResourceScope scope, string clusterName, string daemonName) =>
        $"{scope.EcsArnPrefix}:{DaemonType}/{clusterName}/{daemonName}";

    public static string Revision(string daemonArn, int number) => Child(daemonArn, RevisionType, number.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static string Deployment(string daemonArn, string id) => Child(daemonArn, DeploymentType, id);

    public static bool IsTaskDefinition(string? arn) => EcsArn.TryParse(arn, out var parsed) && parsed.ResourceType == TaskDefinitionType;

    /// <summary>The daemon a daemon ARN names: its scope, cluster name and daemon name; false for any other text.</summary>
    public static bool TryParseDaemon(string? text, out ResourceScope scope, out string clusterName, out string daemonName)
    {
        (scope, clusterName, daemonName) = (null!, "", "");
        if (!EcsArn.TryParse(text, out var arn) || arn.ResourceType != DaemonType)
        {
            return false;
        }
        var parts = arn.ResourceId.Split('/');
        if (parts.Length != 2 || parts.Any(p => p.Length == 0))
        {
            return false;
        }
        (scope, clusterName, daemonName) = (arn.Scope, parts[0], parts[1]);
        return true;
    }

    /// <summary>The daemon a revision or deployment ARN belongs to, or null when the text is neither.</summary>
    public static string? DaemonOf(string? childArn)
    {
        if (!EcsArn.TryParse(childArn, out var arn) || arn.ResourceType is not (RevisionType or DeploymentType))
        {
            return null;
        }
        var parts = arn.ResourceId.Split('/');
        return parts.Length == 3 && parts.All(p => p.Length > 0) ? $"arn:{arn.Partition}:ecs:{arn.Region}:{arn.AccountId}:{DaemonType}/{parts[0]}/{parts[1]}" : null;
    }

    private static string Child(string daemonArn, string type, string id) =>
        daemonArn.Replace($":{DaemonType}/", $":{type}/", StringComparison.Ordinal) + "/" + id;
}
