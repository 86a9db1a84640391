using static Berth.Core.Identity.Authorization.OperationRule;

namespace Berth.Core.Identity.Authorization.Services;

/// <summary>
/// Elastic Load Balancing v2, from "Actions, resources, and condition keys for Elastic Load Balancing V2". The
/// reference's per-kind types (<c>loadbalancer/app/</c>, <c>listener/net</c>…) are one type each here, the kind
/// being a part of the ARN. A resource being created has no id yet: its ARN ends in <c>*</c>.
/// </summary>
internal static class ElbAuthorization
{
    private const string Prefix = "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:";

    public static readonly ServiceAuthorization Rules = new(
        "elbv2",
        [
            new("loadbalancer", new ArnTemplate(Prefix + "loadbalancer/${LoadBalancerType}/${LoadBalancerName}/${LoadBalancerId}"),
                ["LoadBalancerArn", "LoadBalancerArns", "Name"], (name, request) => (new Dictionary<string, string>
                {
                    ["LoadBalancerName"] = name,
                    ["LoadBalancerType"] = RequestMembers.First(request, "Type") switch
                    {
                        "network" => "net",
                        "gateway" => "gwy",
                        _ => "app",
                    },
                }, true)),
            ResourceType.Named("listener", Prefix + "listener/${LoadBalancerType}/${LoadBalancerName}/${LoadBalancerId}/${ListenerId}",
                "ListenerId", "ListenerArn", "ListenerArns"),
            ResourceType.Named("listener-rule",
                Prefix + "listener-rule/${LoadBalancerType}/${LoadBalancerName}/${LoadBalancerId}/${ListenerId}/${ListenerRuleId}",
                "ListenerRuleId", "RuleArn", "RuleArns", "RulePriorities[].RuleArn"),
            ResourceType.Named("targetgroup", Prefix + "targetgroup/${TargetGroupName}/${TargetGroupId}", "TargetGroupName",
                "TargetGroupArn", "TargetGroupArns", "Name"),
            ResourceType.Named("truststore", Prefix + "truststore/${TrustStoreName}/${TrustStoreId}", "TrustStoreName",
                "TrustStoreArn", "TrustStoreArns", "Name"),
        ],
        new Dictionary<string, VariableSource>(),
        new Dictionary<string, OperationRule>
        {
            ["AddListenerCertificates"] = Types("listener"),
            ["AddTags"] = ArnsIn("ResourceArns"),
            ["AddTrustStoreRevocations"] = Types("truststore"),
            ["CreateListener"] = Types("loadbalancer"),
            ["CreateLoadBalancer"] = Types("loadbalancer"),
            ["CreateRule"] = Types("listener"),
            ["CreateTargetGroup"] = Types("targetgroup"),
            ["CreateTrustStore"] = Types("truststore"),
            ["DeleteListener"] = Types("listener"),
            ["DeleteLoadBalancer"] = Types("loadbalancer"),
            ["DeleteRule"] = Types("listener-rule"),
            ["DeleteSharedTrustStoreAssociation"] = Types("truststore"),
            ["DeleteTargetGroup"] = Types("targetgroup"),
            ["DeleteTrustStore"] = Types("truststore"),
            ["DeregisterTargets"] = Types("targetgroup"),
            ["GetResourcePolicy"] = ArnsIn("ResourceArn"),
            ["GetTrustStoreCaCertificatesBundle"] = Types("truststore"),
            ["GetTrustStoreRevocationContent"] = Types("truststore"),
            ["ModifyCapacityReservation"] = Types("loadbalancer"),
            ["ModifyIpPools"] = Types("loadbalancer"),
            ["ModifyListener"] = Types("listener"),
            ["ModifyListenerAttributes"] = Types("listener"),
            ["ModifyLoadBalancerAttributes"] = Types("loadbalancer"),
            ["ModifyRule"] = Types("listener-rule"),
            ["ModifyTargetGroup"] = Types("targetgroup"),
            ["ModifyTargetGroupAttributes"] = Types("targetgroup"),
            ["ModifyTrustStore"] = Types("truststore"),
            ["RegisterTargets"] = Types("targetgroup"),
            ["RemoveListenerCertificates"] = Types("listener"),
            ["RemoveTags"] = ArnsIn("ResourceArns"),
            ["RemoveTrustStoreRevocations"] = Types("truststore"),
            ["SetIpAddressType"] = Types("loadbalancer"),
            ["SetRulePriorities"] = Types("listener-rule"),
            ["SetSecurityGroups"] = Types("loadbalancer"),
            ["SetSubnets"] = Types("loadbalancer"),
        });
}
