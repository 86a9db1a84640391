using Berth.Core.Express;

namespace Berth.Core.Tests.Express;

/// <summary>The Express service "web" in cluster default with every resource provisioned, for tests to give configurations.</summary>
internal static class ExpressGatewayRecords
{
    public static ExpressGatewayRecord Web(string status, DateTimeOffset createdAt, DateTimeOffset updatedAt) => new()
    {
        ServiceArn = "arn:aws:ecs:us-east-1:000000000000:service/default/web",
        ClusterArn = "arn:aws:ecs:us-east-1:000000000000:cluster/default",
        ServiceName = "web",
        InfrastructureRoleArn = "arn:aws:iam::000000000000:role/infra",
        Status = status,
        Resources = new ExpressGatewayResources
        {
            LoadBalancerArn = "lb-arn",
            ListenerArn = "listener-arn",
            ListenerPort = 40123,
            TargetGroupArn = "tg-arn",
            ScalableTargetResourceId = "service/default/web",
            ScalableTargetArn = "target-arn",
            ScalingPolicyArn = "policy-arn",
        },
        Configurations = [],
        CreatedAt = createdAt,
        UpdatedAt = updatedAt,
    };
}
