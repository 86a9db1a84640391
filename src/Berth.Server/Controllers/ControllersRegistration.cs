using Microsoft.Extensions.DependencyInjection;

namespace Berth.Server.Controllers;

internal static class ControllersRegistration
{
    /// <summary>The control plane's background loops: instance liveness, the service scheduler, the sweepers, alarm evaluation and scheduled scaling.</summary>
    public static IServiceCollection AddBackgroundControllers(this IServiceCollection services) => services
        .AddHostedService<InstanceMonitor>()
        .AddHostedService<ServiceScheduler>()
        .AddHostedService<LogRetentionSweeper>()
        .AddHostedService<EventLogSweeper>()
        .AddHostedService<SecretDeletionSweeper>()
        .AddHostedService<CapacityProviderDeletionSweeper>()
        .AddHostedService<SecretRedeployer>()
        .AddHostedService<TaskRoleSessionSweeper>()
        .AddHostedService<ExpiredCredentialSweeper>()
        .AddHostedService<AlarmEvaluator>()
        .AddHostedService<ScheduledScaling>();
}
