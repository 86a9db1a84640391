using System.Globalization;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Services;
using Berth.Core.Tasks;
using KeyValuePair = Berth.Core.Ecs.KeyValuePair;

namespace Berth.Core.Clusters;

/// <summary>
/// The per-launch-type counts DescribeClusters shows for <c>include=STATISTICS</c>. A task counts under the launch
/// type it reports; a service under its own launch type or, on a capacity provider strategy, under the one the
/// strategy implies (FARGATE and FARGATE_SPOT are Fargate), as ECS counts them.
/// </summary>
public sealed record ClusterStatistics(
    int RunningEc2Tasks, int RunningFargateTasks, int PendingEc2Tasks, int PendingFargateTasks,
    int ActiveEc2Services, int ActiveFargateServices, int DrainingEc2Services, int DrainingFargateServices)
{
    public static ClusterStatistics Of(IEnumerable<EcsTask> tasks, IEnumerable<Service> services)
    {
        var taskList = tasks.ToList();
        var serviceList = services.ToList();
        int CountTasks(bool fargate, Func<string, bool> status) =>
            taskList.Count(t => IsFargate(t.LaunchType) == fargate && t.LastStatus is { } s && status(s));
        int CountServices(bool fargate, string status) =>
            serviceList.Count(s => IsFargate(LaunchTarget.LaunchTypeOf(s)) == fargate && s.Status == status);

        return new(
            CountTasks(false, s => s == TaskStatuses.Running), CountTasks(true, s => s == TaskStatuses.Running),
            CountTasks(false, TaskStatuses.IsPending), CountTasks(true, TaskStatuses.IsPending),
            CountServices(false, ServiceStatuses.Active), CountServices(true, ServiceStatuses.Active),
            CountServices(false, ServiceStatuses.Draining), CountServices(true, ServiceStatuses.Draining));
    }

    /// <summary>The counts as ECS lists them, in its order.</summary>
    public IReadOnlyList<KeyValuePair> ToKeyValuePairs() =>
    [
        Stat("runningEC2TasksCount", RunningEc2Tasks),
        Stat("runningFargateTasksCount", RunningFargateTasks),
        Stat("pendingEC2TasksCount", PendingEc2Tasks),
        Stat("pendingFargateTasksCount", PendingFargateTasks),
        Stat("activeEC2ServiceCount", ActiveEc2Services),
        Stat("activeFargateServiceCount", ActiveFargateServices),
        Stat("drainingEC2ServiceCount", DrainingEc2Services),
        Stat("drainingFargateServiceCount", DrainingFargateServices),
    ];

    private static bool IsFargate(string? launchType) => launchType == FargateRules.LaunchType;

    private static KeyValuePair Stat(string name, int value) => new() { Name = name, Value = value.ToString(CultureInfo.InvariantCulture) };
}
