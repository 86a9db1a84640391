using Berth.Core.Ecs;
using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

/// <summary>A service's enableExecuteCommand, which the tasks it starts inherit (ServiceReconciler's TaskLaunch).</summary>
public class ServiceExecuteCommandTests
{
    [Fact]
    public void UpdateService_turns_execute_command_on_without_a_new_deployment_and_keeps_it_when_left_out()
    {
        var enabled = ServiceUpdate.Apply(Replica(2, Deployment(DepOld)), new UpdateServiceRequest { EnableExecuteCommand = true }, null, DepNew, T0);
        Assert.True(enabled.EnableExecuteCommand);
        Assert.Equal([DepOld], enabled.Deployments!.Select(d => d.Id));

        var scaled = ServiceUpdate.Apply(enabled, new UpdateServiceRequest { DesiredCount = 3 }, null, DepNew, T0);
        Assert.True(scaled.EnableExecuteCommand);
        Assert.False(ServiceUpdate.Apply(scaled, new UpdateServiceRequest { EnableExecuteCommand = false }, null, DepNew, T0).EnableExecuteCommand);
    }

    [Fact]
    public void CreateService_accepts_execute_command() =>
        ServiceFactory.ValidateRequest(new CreateServiceRequest { ServiceName = "exec", TaskDefinition = "web", EnableExecuteCommand = true });
}
