using Berth.Core.Arns;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Core.Tests.Daemons;

public class DaemonRulesTests
{
    private static CreateDaemonRequest Valid => new()
    {
        DaemonName = "agent",
        DaemonTaskDefinitionArn = "agent:1",
        CapacityProviderArns = ["asg"],
    };

    public static TheoryData<CreateDaemonRequest, string> Refused => new()
    {
        { Valid with { DaemonName = "bad name" }, "Daemon name can have up to 255 characters" },
        { Valid with { DaemonTaskDefinitionArn = " " }, "daemonTaskDefinitionArn can not be blank." },
        { Valid with { CapacityProviderArns = [] }, "capacityProviderArns must list at least one capacity provider." },
        { Valid with { CapacityProviderArns = ["a", "a"] }, "capacityProviderArns cannot list a capacity provider more than once." },
        { Valid with { PropagateTags = "SERVICE" }, "Invalid value 'SERVICE' for propagateTags." },
        { Valid with { DeploymentConfiguration = new() { DrainPercent = 100.5 } }, "drainPercent must be between 0.0 and 100.0." },
        { Valid with { DeploymentConfiguration = new() { BakeTimeInMinutes = 1441 } }, "bakeTimeInMinutes must be between 0 and 1440" },
        { Valid with { DeploymentConfiguration = new() { Alarms = new() { Enable = true } } }, "alarms.alarmNames must name at least one alarm" },
        { Valid with { ClientToken = new string('x', 37) }, "clientToken must be 1 to 36 ASCII characters" },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Create_refuses_what_the_reference_does_not_allow(CreateDaemonRequest request, string message)
    {
        var error = Assert.Throws<InvalidParameterException>(() => DaemonRules.ValidateCreate(request));
        Assert.StartsWith(message, error.Message);
    }

    [Fact]
    public void Create_accepts_a_minimal_request() => DaemonRules.ValidateCreate(Valid);

    [Theory]
    [InlineData(25, 4, 1)]
    [InlineData(25, 10, 2)]
    [InlineData(0, 10, 1)]
    [InlineData(100, 7, 7)]
    [InlineData(50, 0, 1)]
    public void A_step_replaces_drain_percent_of_the_instances_at_least_one(double drain, int instances, int batch) =>
        Assert.Equal(batch, DaemonRules.BatchSize(drain, instances));

    [Fact]
    public void Deployment_defaults_are_the_developer_guides()
    {
        var configuration = DaemonRules.WithDefaults(null);

        Assert.Equal((25.0, 0), (configuration.DrainPercent, configuration.BakeTimeInMinutes));
    }

    [Fact]
    public void Daemon_arns_follow_the_iam_resource_templates()
    {
        var scope = new ResourceScope("eu-west-1", "123456789012");
        var daemon = DaemonArns.Daemon(scope, "prod", "agent");

        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:daemon/prod/agent", daemon);
        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:daemon-revision/prod/agent/3", DaemonArns.Revision(daemon, 3));
        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:daemon-deployment/prod/agent/abc", DaemonArns.Deployment(daemon, "abc"));
        Assert.Equal(daemon, DaemonArns.DaemonOf(DaemonArns.Deployment(daemon, "abc")));
        Assert.Null(DaemonArns.DaemonOf(daemon));
        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:daemon-task-definition/agent:2", DaemonArns.TaskDefinition(scope, "agent", 2));
    }
}
