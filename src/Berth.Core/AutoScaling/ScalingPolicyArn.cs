using Berth.Core.Arns;

namespace Berth.Core.AutoScaling;

/// <summary>
/// An Application Auto Scaling policy's ARN, what alarm actions name:
/// <c>arn:aws:autoscaling:REGION:ACCOUNT:scalingPolicy:UUID:resource/NAMESPACE/RESOURCE-ID:policyName/NAME</c>.
/// </summary>
public sealed record ScalingPolicyArn(string Partition, string Region, string AccountId, string Id, string ServiceNamespace, string ResourceId, string PolicyName)
{
    private const string Marker = ":scalingPolicy:";

    public static string Format(ResourceScope scope, string id, string serviceNamespace, string resourceId, string policyName) =>
        $"arn:{scope.Partition}:autoscaling:{scope.Region}:{scope.AccountId}{Marker}{id}:resource/{serviceNamespace}/{resourceId}:policyName/{policyName}";

    public static ScalingPolicyArn? TryParse(string arn)
    {
        var parts = arn.Split(':', 6);
        if (parts is not ["arn", var partition, "autoscaling", var region, var account, var rest] || region.Length == 0 || account.Length == 0
            || !rest.StartsWith("scalingPolicy:", StringComparison.Ordinal))
        {
            return null;
        }
        var body = rest["scalingPolicy:".Length..];
        var resource = body.IndexOf(":resource/", StringComparison.Ordinal);
        var policy = body.LastIndexOf(":policyName/", StringComparison.Ordinal);
        if (resource <= 0 || policy < resource)
        {
            return null;
        }
        var path = body[(resource + ":resource/".Length)..policy];
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var name = body[(policy + ":policyName/".Length)..];
        return slash > 0 && name.Length > 0
            ? new ScalingPolicyArn(partition, region, account, body[..resource], path[..slash], path[(slash + 1)..], name)
            : null;
    }
}
