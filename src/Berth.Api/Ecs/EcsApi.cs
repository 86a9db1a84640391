using Berth.Api.Ecs.AccountSettings;
using Berth.Api.Ecs.Agents;
using Berth.Api.Ecs.CapacityProviders;
using Berth.Api.Ecs.Clusters;
using Berth.Api.Ecs.ContainerInstances;
using Berth.Api.Ecs.Daemons;
using Berth.Api.Ecs.Express;
using Berth.Api.Ecs.Services;
using Berth.Api.Ecs.Tags;
using Berth.Api.Ecs.TaskDefinitions;
using Berth.Api.Ecs.Tasks;
using Berth.Api.Protocol;
using Berth.Control.Agents;
using Berth.Control.Capacity;
using Berth.Control.Clusters;
using Berth.Control.Daemons;
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
        .AddSingleton(Create)
        .AddSingleton<ContainerInstanceHandler>()
        .AddSingleton<SpotInterruptionHandler>();

    public static IEndpointRouteBuilder MapEcsApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/_berth/spot/v1/interrupt",
            endpoints.ServiceProvider.GetRequiredService<SignedRoutes>().Require(endpoints.ServiceProvider.GetRequiredService<SpotInterruptionHandler>().InterruptAsync));
        return endpoints;
    }

    /// <summary>The ECS service with every handler, over the application services they use.</summary>
    private static JsonService Create(IServiceProvider services)
    {
        var state = services.GetRequiredService<ClusterState>();
        var signal = services.GetRequiredService<ServiceSignal>();
        var history = services.GetRequiredService<ServiceDeploymentHistory>();
        var store = state.Store;
        var service = new JsonService(EcsOperations.TargetPrefix, "ecs", EcsJsonContext.Default, EcsOperations.All);
        new ClusterHandler(store).Register(service);
        new CapacityProviderHandler(state, services.GetRequiredService<CapacityProviderDeletions>()).Register(service);
        new TaskDefinitionHandler(store).Register(service);
        new TagHandler(store).Register(service);
        new AccountSettingHandler(store).Register(service);
        services.GetRequiredService<ContainerInstanceHandler>().Register(service);
        new AttributeHandler(state).Register(service);
        new TaskHandler(state, services.GetRequiredService<TaskLauncher>(), services.GetRequiredService<TaskStopper>(), signal).Register(service);
        new ServiceHandler(state, signal, history).Register(service);
        new ServiceDeploymentHandler(state, signal, history).Register(service);
        new TaskSetHandler(state, signal).Register(service);
        new TaskProtectionHandler(state, signal).Register(service);
        new ExecuteCommandHandler(state, services.GetRequiredService<ExecSessions>(), services.GetRequiredService<AgentLiveness>()).Register(service);
        new ServiceNamespaceHandler(store).Register(service);
        new DaemonTaskDefinitionHandler(store).Register(service);
        new DaemonHandler(state, services.GetRequiredService<DaemonSignal>()).Register(service);
        new DaemonDeploymentHandler(state).Register(service);
        new AgentOperationHandler(state, services.GetRequiredService<TaskReports>(), signal).Register(service);
        new ExpressGatewayHandler(state, new ExpressInfrastructure(service.Operations, services)).Register(service);
        return service;
    }
}
