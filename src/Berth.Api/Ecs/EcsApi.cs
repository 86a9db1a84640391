using Berth.Api.Protocol;
using Berth.Core.Ecs;
using Berth.Store;

namespace Berth.Api.Ecs;

/// <summary>The ECS service (target prefix AmazonEC2ContainerServiceV20141113) with every handler Berth has.</summary>
public static class EcsApi
{
    public static JsonService Create(IStateStore store)
    {
        var service = new JsonService(EcsOperations.TargetPrefix, EcsJsonContext.Default, EcsOperations.All);
        new ClusterHandler(store).Register(service);
        new TaskDefinitionHandler(store).Register(service);
        new TagHandler(store).Register(service);
        new AccountSettingHandler(store).Register(service);
        return service;
    }
}
