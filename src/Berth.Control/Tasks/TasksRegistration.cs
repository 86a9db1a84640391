using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Tasks;

internal static class TasksRegistration
{
    /// <summary>Launching and stopping tasks; needs <see cref="Clusters.ClusterState"/> and the agent signals.</summary>
    public static IServiceCollection AddTasks(this IServiceCollection services) => services
        .AddSingleton<TaskStopper>()
        .AddSingleton<TaskLauncher>()
        .AddSingleton<TaskReports>()
        .AddSingleton<TaskReportBatches>();
}
