using Berth.Server.Leadership;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Controllers;

internal static class ControllersRegistration
{
    /// <summary>
    /// The control plane's background loops: instance liveness, the service scheduler, the sweepers, alarm evaluation and
    /// scheduled scaling. Each writes the shared state on a timer, so each runs on the controller lease's holder only.
    /// The agent polls' <see cref="AssignmentWatcher"/> runs on every server, as every server holds polls.
    /// </summary>
    public static IServiceCollection AddBackgroundControllers(this IServiceCollection services) => services
        .AddHostedService<AssignmentWatcher>()
        .AddLeaderOnly<InstanceMonitor>()
        .AddLeaderOnly<ServiceScheduler>()
        .AddLeaderOnly<DaemonController>()
        .AddLeaderOnly<LogRetentionSweeper>()
        .AddLeaderOnly<EventLogSweeper>()
        .AddLeaderOnly<SecretDeletionSweeper>()
        .AddLeaderOnly<CapacityProviderDeletionSweeper>()
        .AddLeaderOnly<SecretRedeployer>()
        .AddLeaderOnly<TaskRoleSessionSweeper>()
        .AddLeaderOnly<ExpiredCredentialSweeper>()
        .AddLeaderOnly<AlarmEvaluator>()
        .AddLeaderOnly<ScheduledScaling>();
}
