using Berth.Api.Agent;
using Berth.Api.Protocol;
using Berth.Api.Tasks;
using Berth.Core.ContainerInstances;
using Berth.Core.Ecs;
using Berth.Store;

namespace Berth.Api.Ecs;

/// <summary>The ECS service (target prefix AmazonEC2ContainerServiceV20141113) with every handler Berth has.</summary>
public static class EcsApi
{
    public static JsonService Create(IStateStore store, AgentLiveness liveness, AssignmentSignals signals, TimeProvider time)
    {
        var state = new ClusterState(store);
        var stopper = new TaskStopper(store, signals);
        var service = new JsonService(EcsOperations.TargetPrefix, EcsJsonContext.Default, EcsOperations.All);
        new ClusterHandler(store).Register(service);
        new TaskDefinitionHandler(store).Register(service);
        new TagHandler(store).Register(service);
        new AccountSettingHandler(store).Register(service);
        new ContainerInstanceHandler(state, stopper, liveness, signals).Register(service);
        new AttributeHandler(state).Register(service);
        new TaskHandler(state, new TaskLauncher(state, liveness, signals, time), stopper).Register(service);
        return service;
    }
}
