using Berth.Api.Ecs.AccountSettings;
using Berth.Api.Ecs.CapacityProviders;
using Berth.Api.Ecs.Clusters;
using Berth.Api.Ecs.ContainerInstances;
using Berth.Api.Ecs.Services;
using Berth.Api.Ecs.Tags;
using Berth.Api.Ecs.TaskDefinitions;
using Berth.Api.Ecs.Tasks;
using Berth.Api.Protocol;
using Berth.Control.Agents;
using Berth.Control.Clusters;
using Berth.Control.Services;
using Berth.Control.Tasks;
using Berth.Core.ContainerInstances;
using Berth.Core.Ecs;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Ecs;

/// <summary>The ECS service (target prefix AmazonEC2ContainerServiceV20141113) with every handler Berth has.</summary>
internal static class EcsApi
{
    /// <summary>The ECS service for the AWS JSON edge, and the operator's Spot interruption endpoint.</summary>
    public static IServiceCollection AddEcsApi(this IServiceCollection services) => services
        .AddSingleton(s => Create(
            s.GetRequiredService<ClusterState>(), s.GetRequiredService<TaskLauncher>(), s.GetRequiredService<TaskStopper>(),
            s.GetRequiredService<ContainerInstanceHandler>(), s.GetRequiredService<ServiceSignal>(), s.GetRequiredService<ServiceDeploymentHistory>()))
        .AddSingleton<ContainerInstanceHandler>()
        .AddSingleton<SpotInterruptionHandler>();

    public static IEndpointRouteBuilder MapEcsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/_berth/spot/v1/interrupt",
            endpoints.ServiceProvider.GetRequiredService<SignedRoutes>().Require(endpoints.ServiceProvider.GetRequiredService<SpotInterruptionHandler>().InterruptAsync));
        return endpoints;
    }

    private static JsonService Create(
        ClusterState state, TaskLauncher launcher, TaskStopper stopper, ContainerInstanceHandler instances, ServiceSignal services,
        ServiceDeploymentHistory history)
    {
        var store = state.Store;
        var service = new JsonService(EcsOperations.TargetPrefix, "ecs", EcsJsonContext.Default, EcsOperations.All);
        new ClusterHandler(store).Register(service);
        new CapacityProviderHandler(state).Register(service);
        new TaskDefinitionHandler(store).Register(service);
        new TagHandler(store).Register(service);
        new AccountSettingHandler(store).Register(service);
        instances.Register(service);
        new AttributeHandler(state).Register(service);
        new TaskHandler(state, launcher, stopper, services).Register(service);
        new ServiceHandler(state, services, history).Register(service);
        new ServiceDeploymentHandler(state, services, history).Register(service);
        new TaskProtectionHandler(state, services).Register(service);
        return service;
    }
}
