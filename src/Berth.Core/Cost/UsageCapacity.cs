using Berth.Core.Ecs;

namespace Berth.Core.Cost;

/// <summary>The three ways a task is paid for: Fargate on demand, Fargate Spot, or the instances it runs on (EC2).</summary>
public static class UsageCapacity
{
    public const string Fargate = "FARGATE";
    public const string FargateSpot = "FARGATE_SPOT";
    public const string Ec2 = "EC2";

    /// <summary>A FARGATE launch is Spot when its capacity provider is FARGATE_SPOT; every other launch is EC2.</summary>
    public static string Of(EcsTask task) => task.LaunchType switch
    {
        Fargate when task.CapacityProviderName == FargateSpot => FargateSpot,
        Fargate => Fargate,
        _ => Ec2,
    };
}
