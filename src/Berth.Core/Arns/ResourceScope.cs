namespace Berth.Core.Arns;

/// <summary>
/// Where a request's resources live: ECS resources are per account and region, and every ARN starts
/// with this scope. The region comes from the request's SigV4 credential scope.
/// </summary>
public sealed record ResourceScope(string Region, string AccountId)
{
    /// <summary>AWS partitions follow the region name; everything else is the commercial partition.</summary>
    public string Partition => Region switch
    {
        _ when Region.StartsWith("cn-", StringComparison.Ordinal) => "aws-cn",
        _ when Region.StartsWith("us-gov-", StringComparison.Ordinal) => "aws-us-gov",
        _ => "aws",
    };

    /// <summary><c>arn:aws:ecs:us-east-1:000000000000</c>: the part every ECS ARN in this scope shares.</summary>
    public string EcsArnPrefix => $"arn:{Partition}:ecs:{Region}:{AccountId}";

    /// <summary>The account's root principal, which ECS reports for account settings set without a principal.</summary>
    public string RootPrincipalArn => $"arn:{Partition}:iam::{AccountId}:root";

    public string ClusterArn(string clusterName) => $"{EcsArnPrefix}:cluster/{clusterName}";

    public string CapacityProviderArn(string name) => $"{EcsArnPrefix}:capacity-provider/{name}";

    public string TaskDefinitionArn(string family, int revision) => $"{EcsArnPrefix}:task-definition/{family}:{revision}";

    // Long ARN format (the default since 2021): cluster name inside the resource id.
    public string ContainerInstanceArn(string clusterName, string id) => $"{EcsArnPrefix}:container-instance/{clusterName}/{id}";

    public string ServiceArn(string clusterName, string serviceName) => $"{EcsArnPrefix}:service/{clusterName}/{serviceName}";

    public string TaskArn(string clusterName, string taskId) => $"{EcsArnPrefix}:task/{clusterName}/{taskId}";

    public string ContainerArn(string clusterName, string taskId, string containerId) =>
        $"{EcsArnPrefix}:container/{clusterName}/{taskId}/{containerId}";
}
