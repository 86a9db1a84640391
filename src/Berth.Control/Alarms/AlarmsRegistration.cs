using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control.Alarms;

internal static class AlarmsRegistration
{
    /// <summary>CloudWatch metric alarms over the state store and the metric store (which the host registers).</summary>
    public static IServiceCollection AddAlarms(this IServiceCollection services) => services.AddSingleton<MetricAlarms>();
}
