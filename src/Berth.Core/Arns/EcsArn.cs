namespace Berth.Core.Arns;

/// <summary>
/// A parsed ECS ARN: <c>arn:{partition}:ecs:{region}:{account}:{resourceType}/{resourceId}</c>, where the
/// resource id may itself contain slashes (<c>task/{cluster}/{taskId}</c>) or a revision
/// (<c>task-definition/{family}:{revision}</c>).
/// </summary>
public sealed record EcsArn(string Partition, string Region, string AccountId, string ResourceType, string ResourceId)
{
    public static bool TryParse(string? text, out EcsArn arn)
    {
        arn = null!;
        if (text is null || !text.StartsWith("arn:", StringComparison.Ordinal))
        {
            return false;
        }
        // arn : partition : service : region : account : resource — the resource may contain colons.
        var parts = text.Split(':', 6);
        if (parts.Length != 6 || parts[2] != "ecs" || parts[1].Length == 0 || parts[3].Length == 0 || parts[4].Length == 0)
        {
            return false;
        }
        var slash = parts[5].IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0 || slash == parts[5].Length - 1)
        {
            return false;
        }
        arn = new EcsArn(parts[1], parts[3], parts[4], parts[5][..slash], parts[5][(slash + 1)..]);
        return true;
    }

    public ResourceScope Scope => new(Region, AccountId);

    public override string ToString() => $"arn:{Partition}:ecs:{Region}:{AccountId}:{ResourceType}/{ResourceId}";
}
