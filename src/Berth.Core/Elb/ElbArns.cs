using Berth.Core.Arns;

namespace Berth.Core.Elb;

/// <summary>
/// ELBv2 ARNs: <c>arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/{id}</c>,
/// <c>…:targetgroup/{name}/{id}</c>, <c>…:listener/app/{lb-name}/{lb-id}/{id}</c> and
/// <c>…:listener-rule/app/{lb-name}/{lb-id}/{listener-id}/{id}</c>; ids are 16 hex digits.
/// </summary>
public static class ElbArns
{
    public static string Prefix(ResourceScope scope) => $"arn:{scope.Partition}:elasticloadbalancing:{scope.Region}:{scope.AccountId}";

    public static string LoadBalancer(ResourceScope scope, string name, string id) => $"{Prefix(scope)}:loadbalancer/app/{name}/{id}";

    public static string TargetGroup(ResourceScope scope, string name, string id) => $"{Prefix(scope)}:targetgroup/{name}/{id}";

    /// <summary>A listener's ARN extends its load balancer's: <c>loadbalancer/app/x/1</c> → <c>listener/app/x/1/{id}</c>.</summary>
    public static string Listener(string loadBalancerArn, string id) =>
        loadBalancerArn.Replace(":loadbalancer/", ":listener/", StringComparison.Ordinal) + "/" + id;

    public static string Rule(string listenerArn, string id) =>
        listenerArn.Replace(":listener/", ":listener-rule/", StringComparison.Ordinal) + "/" + id;

    /// <summary>A load balancer's resource id, <c>app/{name}/{id}</c>: how access logs and CloudWatch dimensions name it.</summary>
    public static string ResourceIdOf(string loadBalancerArn) =>
        loadBalancerArn[(loadBalancerArn.IndexOf(":loadbalancer/", StringComparison.Ordinal) + ":loadbalancer/".Length)..];

    /// <summary>The account and region an ELB ARN belongs to.</summary>
    public static ResourceScope ScopeOf(string arn) => arn.Split(':') is [_, _, _, var region, var account, ..]
        ? new ResourceScope(region, account)
        : throw new ArgumentException($"Not an ARN: {arn}", nameof(arn));

    /// <summary>ELB ids are 16 hexadecimal digits.</summary>
    public static string NewId(Random random) => random.NextInt64().ToString("x16", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The account-region prefix of a load balancer or target group ARN: the scope it is stored and listed in.</summary>
    public static string PrefixOf(string arn) => arn[..arn.LastIndexOf(':')];

    /// <summary>The ARN's resource kind: loadbalancer, targetgroup, listener or listener-rule.</summary>
    public static string? KindOf(string arn)
    {
        var parts = arn.Split(':');
        return parts.Length >= 6 && parts[2] == "elasticloadbalancing" ? parts[5].Split('/')[0] : null;
    }
}
