using Berth.Control.Agents;
using Berth.Control.Alarms;
using Berth.Control.AutoScaling;
using Berth.Control.Cleanup;
using Berth.Control.Clusters;
using Berth.Control.Cost;
using Berth.Control.Daemons;
using Berth.Control.Events;
using Berth.Control.Identity;
using Berth.Control.LoadBalancing;
using Berth.Control.Secrets;
using Berth.Control.Services;
using Berth.Control.Tasks;
using Berth.Control.Utilization;
using Berth.Store;
using Berth.Store.Events;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Control;

public static class ControlRegistration
{
    /// <summary>
    /// Every application service, over the opened state store and event log. The host adds what they take from it:
    /// a <see cref="TimeProvider"/>, <see cref="Core.ContainerInstances.AgentLiveness"/>, the
    /// <see cref="Store.Identity.SecretCipher"/>, <see cref="Identity.TaskRoleSessionOptions"/>, <see cref="Secrets.TaskSecretOptions"/>, the
    /// <see cref="Store.Logs.ILogStore"/> and logging. Every commit made through the registered store reaches the server's
    /// <see cref="ChangeFeed"/>, which the caches of the hot reads follow (<see cref="ClusterState"/>).
    /// </summary>
    public static IServiceCollection AddControl(this IServiceCollection services, IStateStore store, IEventLog events) => services
        .AddChangeFeed(store, out var followed)
        .AddEventRecording(followed, events)
        .AddAgents()
        .AddClusters()
        .AddTasks()
        .AddLoadBalancing()
        .AddServiceScheduling()
        .AddDaemons()
        .AddUtilization()
        .AddIdentity()
        .AddSecrets()
        .AddAlarms()
        .AddAutoScaling()
        .AddCost()
        .AddCleanup();

    private static IServiceCollection AddChangeFeed(this IServiceCollection services, IStateStore store, out IStateStore followed)
    {
        var feed = new ChangeFeed();
        followed = new ChangeFeedStateStore(store, feed);
        return services.AddSingleton(feed);
    }
}
