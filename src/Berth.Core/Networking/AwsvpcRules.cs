using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Networking;

/// <summary>
/// RunTask's and StartTask's networkConfiguration checks, with ECS's wording (API reference, RunTask
/// networkConfiguration and AwsVpcConfiguration): required exactly when the definition's network mode is
/// awsvpc, at most 16 subnets and 5 security groups, all of one VPC; no public IP outside Fargate.
/// Without security groups the task gets its VPC's default group, as ECS does.
/// </summary>
public static class AwsvpcRules
{
    public const string NetworkMode = "awsvpc";
    private const int MaxSubnets = 16;
    private const int MaxSecurityGroups = 5;

    /// <summary>The network a task of this definition asks for, or null when it does not use awsvpc.</summary>
    public static TaskNetworkRequest? Resolve(TaskDefinition definition, NetworkConfiguration? network, string launchType, NetworkRegistry registry)
    {
        var vpc = network?.AwsvpcConfiguration;
        if (definition.NetworkMode != NetworkMode)
        {
            if (vpc is not null)
            {
                throw new InvalidParameterException("Network Configuration is not valid for the given networkMode of this task definition.");
            }
            return null;
        }
        if (vpc is null)
        {
            throw new InvalidParameterException("Network Configuration must be provided when networkMode 'awsvpc' is specified.");
        }
        var subnetIds = vpc.Subnets ?? [];
        var groupIds = vpc.SecurityGroups ?? [];
        if (subnetIds.Count == 0)
        {
            throw new InvalidParameterException("subnets can not be empty.");
        }
        if (subnetIds.Count > MaxSubnets)
        {
            throw new InvalidParameterException($"subnets can have at most {MaxSubnets} items.");
        }
        if (groupIds.Count > MaxSecurityGroups)
        {
            throw new InvalidParameterException($"securityGroups can have at most {MaxSecurityGroups} items.");
        }
        if (vpc.AssignPublicIp is not (null or "ENABLED" or "DISABLED"))
        {
            throw new InvalidParameterException($"Invalid value '{vpc.AssignPublicIp}' for assignPublicIp. Valid values are: ENABLED, DISABLED.");
        }
        if (vpc.AssignPublicIp == "ENABLED" && launchType != "FARGATE")
        {
            throw new InvalidParameterException("Assign public IP is not supported for this launch type.");
        }

        var missingSubnets = subnetIds.Where(id => registry.FindSubnet(id) is null).ToList();
        if (missingSubnets.Count > 0)
        {
            throw new InvalidParameterException(
                $"Error retrieving subnet information for [{string.Join(", ", missingSubnets)}]: The subnet ID '{missingSubnets[0]}' does not exist");
        }
        var subnets = subnetIds.Distinct(StringComparer.Ordinal).Select(id => registry.FindSubnet(id)!).ToList();
        var vpcId = subnets[0].VpcId;
        if (subnets.Any(s => s.VpcId != vpcId))
        {
            throw new InvalidParameterException("The subnets provided must belong to the same VPC.");
        }

        var missingGroups = groupIds.Where(id => registry.FindSecurityGroup(id) is null).ToList();
        if (missingGroups.Count > 0)
        {
            throw new InvalidParameterException(
                $"Error retrieving security group information for [{string.Join(", ", missingGroups)}]: The security group '{missingGroups[0]}' does not exist");
        }
        var groups = groupIds.Distinct(StringComparer.Ordinal).Select(id => registry.FindSecurityGroup(id)!).ToList();
        if (groups.Any(g => g.VpcId != vpcId))
        {
            throw new InvalidParameterException("Security groups and subnets must belong to the same VPC.");
        }
        if (groups.Count == 0)
        {
            var fallback = registry.SecurityGroups.FirstOrDefault(g => g.VpcId == vpcId && g.GroupName == SecurityGroup.DefaultGroupName)
                ?? throw new InvalidParameterException($"No securityGroups were given and VPC {vpcId} has no default security group.");
            groups.Add(fallback);
        }
        return new TaskNetworkRequest(subnets, groups);
    }
}
