using Berth.Api.Protocol;
using Berth.Api.Services;
using Berth.Api.Tasks;
using Berth.Control.Agents;
using Berth.Control.Clusters;
using Berth.Control.Services;
using Berth.Control.Tasks;
using Berth.Core.ContainerInstances;
using Berth.Core.Ecs;

namespace Berth.Api.Ecs;

/// <summary>The ECS service (target prefix AmazonEC2ContainerServiceV20141113) with every handler Berth has.</summary>
public static class EcsApi
{
    public static JsonService Create(
        ClusterState state, TaskLauncher launcher, TaskStopper stopper, AgentLiveness liveness, AssignmentSignals signals, ServiceSignal services)
    {
        var store = state.Store;
        var service = new JsonService(EcsOperations.TargetPrefix, EcsJsonContext.Default, EcsOperations.All);
        new ClusterHandler(store).Register(service);
        new CapacityProviderHandler(state).Register(service);
        new TaskDefinitionHandler(store).Register(service);
        new TagHandler(store).Register(service);
        new AccountSettingHandler(store).Register(service);
        new ContainerInstanceHandler(state, stopper, liveness, signals).Register(service);
        new AttributeHandler(state).Register(service);
        new TaskHandler(state, launcher, stopper, services).Register(service);
        new ServiceHandler(state, services).Register(service);
        new TaskProtectionHandler(state, services).Register(service);
        return service;
    }
}
