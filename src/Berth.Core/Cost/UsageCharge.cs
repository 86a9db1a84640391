namespace Berth.Core.Cost;

/// <summary>
/// The usage and cost of one task over a period. <see cref="Cost"/> is what Fargate bills (nothing for EC2 tasks,
/// whose instances are paid for instead); <see cref="OnDemandCost"/> is the same usage at the Fargate on-demand price:
/// for a Spot task the price without the discount, for an EC2 task what it would cost on Fargate.
/// </summary>
public sealed record UsageCharge(double VcpuSeconds, double GbSeconds, decimal Cost, decimal OnDemandCost)
{
    public static readonly UsageCharge None = new(0, 0, 0m, 0m);

    public decimal SpotSavings(string capacity) => capacity == UsageCapacity.FargateSpot ? OnDemandCost - Cost : 0m;

    public UsageCharge Add(UsageCharge other) =>
        new(VcpuSeconds + other.VcpuSeconds, GbSeconds + other.GbSeconds, Cost + other.Cost, OnDemandCost + other.OnDemandCost);
}
