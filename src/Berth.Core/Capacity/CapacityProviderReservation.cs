using Berth.Core.Metrics;

namespace Berth.Core.Capacity;

/// <summary>
/// The metric ECS publishes for a capacity provider with managed scaling ENABLED, once a minute per cluster that has the
/// provider: <c>CapacityProviderReservation</c> in the <c>AWS/ECS/ManagedScaling</c> namespace, dimensions
/// <c>CapacityProviderName</c> and <c>ClusterName</c>. Its value is M / N × 100, where N is the number of instances the
/// group runs and M the number it needs (ECS developer guide, "Automatically manage Amazon ECS capacity with cluster auto
/// scaling"): 100 means every instance runs a task, less means some are idle, more means tasks are waiting. ECS's target
/// tracking policy scales the group to keep it at <c>targetCapacity</c>. Berth launches no machines, so nothing acts on
/// the figure here; it tells the operator (or an alarm, or a script that starts agents) how many instances the group
/// needs — the honest part of managed scaling Berth can give.
/// </summary>
public static class CapacityProviderReservation
{
    public const string Namespace = "AWS/ECS/ManagedScaling";
    public const string MetricName = "CapacityProviderReservation";

    /// <summary>
    /// The value for a group of <paramref name="instancesRunning"/> usable instances of which
    /// <paramref name="instancesWithTasks"/> run a task. Berth never holds a task back waiting for capacity (a task that
    /// does not fit fails placement), so M is the number of instances with tasks. With no instance ECS reports 100 when
    /// nothing is needed and 200 when something is; the latter cannot arise here.
    /// </summary>
    public static double Value(int instancesRunning, int instancesWithTasks) =>
        instancesRunning == 0 ? 100 : 100.0 * instancesWithTasks / instancesRunning;

    /// <summary>Whether ECS manages the provider's group, so the metric is published for it.</summary>
    public static bool IsManaged(Ecs.CapacityProvider provider) =>
        CapacityProviderRules.IsUsable(provider) && provider.AutoScalingGroupProvider?.ManagedScaling?.Status == CapacityProviderRules.Enabled;

    /// <summary>The minute's point, dimensions sorted by name as <see cref="MetricSeries"/> requires.</summary>
    public static MetricPoint Point(string clusterName, string providerName, DateTimeOffset minute, double value) => new(
        new MetricSeries(Namespace, MetricName, [KeyValuePair.Create("CapacityProviderName", providerName), KeyValuePair.Create("ClusterName", clusterName)]),
        minute,
        Rollup.Of(value),
        "Percent");
}
