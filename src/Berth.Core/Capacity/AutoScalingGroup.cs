using Berth.Core.Ecs;

namespace Berth.Core.Capacity;

/// <summary>
/// Berth's stand-in for an EC2 Auto Scaling group. Berth launches no EC2 instances, so the group behind a capacity
/// provider is the set of container instances whose agent says it belongs to it: the attribute
/// <c>berth.auto-scaling-group</c> (set with <c>berth agent --auto-scaling-group NAME</c>) equal to the group's name.
/// A capacity provider names its group as ECS accepts it, by Auto Scaling group ARN or by name.
/// </summary>
public static class AutoScalingGroup
{
    public const string AttributeName = "berth.auto-scaling-group";

    /// <summary>The part of an Auto Scaling group ARN that is the group's name
    /// (<c>arn:aws:autoscaling:region:account:autoScalingGroup:uuid:autoScalingGroupName/NAME</c>).</summary>
    private const string NameMarker = ":autoScalingGroupName/";

    /// <summary>The group's name from an ARN or a name; null when an ARN is not one of an Auto Scaling group.</summary>
    public static string? NameOf(string arnOrName)
    {
        if (!arnOrName.StartsWith("arn:", StringComparison.Ordinal))
        {
            return arnOrName;
        }
        var marker = arnOrName.IndexOf(NameMarker, StringComparison.Ordinal);
        return arnOrName.Contains(":autoscaling:", StringComparison.Ordinal) && marker > 0 && marker + NameMarker.Length < arnOrName.Length
            ? arnOrName[(marker + NameMarker.Length)..]
            : null;
    }

    /// <summary>Whether an instance with these attributes belongs to the group: the only instances its capacity provider places on.</summary>
    public static bool IsMember(IReadOnlyList<EcsAttribute>? attributes, string? groupName) =>
        groupName is not null && attributes?.Any(a => a.Name == AttributeName && a.Value == groupName) == true;
}
