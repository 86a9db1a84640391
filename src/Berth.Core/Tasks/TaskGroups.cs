namespace Berth.Core.Tasks;

/// <summary>
/// The task group convention: the service scheduler starts every task of service <c>web</c> in group
/// <c>service:web</c> (RunTask's default is <c>family:&lt;family&gt;</c>). ListTasks by serviceName, placement's
/// default strategy, metrics per service and the task metadata endpoint all read the service from the group.
/// </summary>
public static class TaskGroups
{
    private const string ServicePrefix = "service:";
    private const string DaemonPrefix = "daemon:";

    public static string OfService(string serviceName) => ServicePrefix + serviceName;

    /// <summary>The service a task of <paramref name="group"/> belongs to, or null for a task no service started.</summary>
    public static string? ServiceNameOf(string? group) =>
        group is not null && group.StartsWith(ServicePrefix, StringComparison.Ordinal) ? group[ServicePrefix.Length..] : null;

    /// <summary>A daemon's tasks form the group <c>daemon:NAME</c>, as a service's form <c>service:NAME</c>.</summary>
    public static string OfDaemon(string daemonName) => DaemonPrefix + daemonName;

    public static bool IsDaemon(string? group) => group?.StartsWith(DaemonPrefix, StringComparison.Ordinal) == true;

    /// <summary>The daemon a task of <paramref name="group"/> belongs to, or null for a task no daemon started.</summary>
    public static string? DaemonNameOf(string? group) => IsDaemon(group) ? group![DaemonPrefix.Length..] : null;
}
