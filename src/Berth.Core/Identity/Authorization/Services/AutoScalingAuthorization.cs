using static Berth.Core.Identity.Authorization.OperationRule;

namespace Berth.Core.Identity.Authorization.Services;

/// <summary>
/// Application Auto Scaling, from "Actions, resources, and condition keys for Application Auto Scaling". Its requests
/// name targets by namespace and resource id, not by ARN, so only the tag operations (which take the scalable
/// target's ARN) are authorized against a resource; every other operation against <c>*</c>.
/// </summary>
internal static class AutoScalingAuthorization
{
    public static readonly ServiceAuthorization Rules = new(
        "application-autoscaling",
        [
            ResourceType.Named("scalable-target", "arn:${Partition}:application-autoscaling:${Region}:${Account}:scalable-target/${ScalableTargetId}", "ScalableTargetId"),
        ],
        new Dictionary<string, VariableSource>(),
        new Dictionary<string, OperationRule>
        {
            ["ListTagsForResource"] = ArnsIn("ResourceARN"),
            ["TagResource"] = ArnsIn("ResourceARN"),
            ["UntagResource"] = ArnsIn("ResourceARN"),
        });
}
