using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Express;

namespace Berth.Core.Tests.Express;

public class ExpressGatewayRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    private static CreateExpressGatewayServiceRequest Request(
        ExpressGatewayContainer? container = null, string? healthCheckPath = null, ExpressGatewayScalingTarget? scaling = null, string? serviceName = "web") => new()
        {
            ServiceName = serviceName,
            ExecutionRoleArn = "arn:aws:iam::000000000000:role/exec",
            InfrastructureRoleArn = "arn:aws:iam::000000000000:role/infra",
            PrimaryContainer = container ?? new ExpressGatewayContainer { Image = "berth/sample-web" },
            HealthCheckPath = healthCheckPath,
            ScalingTarget = scaling,
        };

    [Fact]
    public void Create_fills_the_defaults_the_model_documents()
    {
        var configuration = ExpressGatewayRules.Create(Request(), Now);

        Assert.Equal(("256", "512", "/ping", 80), (configuration.Cpu, configuration.Memory, configuration.HealthCheckPath, configuration.PrimaryContainer!.ContainerPort));
        Assert.Equal(new ExpressGatewayScalingTarget { MinTaskCount = 1, MaxTaskCount = 20, AutoScalingMetric = "AVERAGE_CPU", AutoScalingTargetValue = 60 },
            configuration.ScalingTarget);
        Assert.Equal(Now, configuration.CreatedAt);
        Assert.Null(configuration.ServiceRevisionArn);
    }

    [Fact]
    public void Create_keeps_the_scaling_members_it_is_given_and_defaults_the_rest()
    {
        var configuration = ExpressGatewayRules.Create(Request(scaling: new ExpressGatewayScalingTarget { MaxTaskCount = 5, AutoScalingMetric = "AVERAGE_MEMORY" }), Now);

        Assert.Equal(new ExpressGatewayScalingTarget { MinTaskCount = 1, MaxTaskCount = 5, AutoScalingMetric = "AVERAGE_MEMORY", AutoScalingTargetValue = 60 },
            configuration.ScalingTarget);
    }

    public static TheoryData<CreateExpressGatewayServiceRequest, string> Refused => new()
    {
        { Request(healthCheckPath: "ping"), "healthCheckPath must start with a forward slash (/)." },
        { Request(new ExpressGatewayContainer { Image = " " }), "primaryContainer.image can not be blank." },
        { Request(new ExpressGatewayContainer { Image = "x", ContainerPort = 0 }), "primaryContainer.containerPort must be between 1 and 65535; got 0." },
        { Request(scaling: new ExpressGatewayScalingTarget { AutoScalingMetric = "LATENCY" }),
            "Invalid value 'LATENCY' for scalingTarget.autoScalingMetric. Valid values are: AVERAGE_CPU, AVERAGE_MEMORY, REQUEST_COUNT_PER_TARGET." },
        { Request(scaling: new ExpressGatewayScalingTarget { MinTaskCount = 3, MaxTaskCount = 2 }), "scalingTarget.maxTaskCount must be at least 1 and at least minTaskCount." },
        { Request(scaling: new ExpressGatewayScalingTarget { MinTaskCount = -1 }), "scalingTarget.minTaskCount must be 0 or more." },
        { Request(scaling: new ExpressGatewayScalingTarget { AutoScalingTargetValue = 0 }), "scalingTarget.autoScalingTargetValue must be greater than 0." },
        { Request(serviceName: "web app"),
            "serviceName can have up to 255 characters. Valid characters are letters (uppercase and lowercase), numbers, hyphens (-), and underscores (_)." },
        { Request() with { ExecutionRoleArn = null }, "executionRoleArn can not be blank." },
        { Request() with { InfrastructureRoleArn = "" }, "infrastructureRoleArn can not be blank." },
        { Request() with { PrimaryContainer = null }, "primaryContainer can not be blank." },
        { Request() with { NetworkConfiguration = new ExpressGatewayServiceNetworkConfiguration { Subnets = [] } }, "subnets can not be empty." },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void Create_refuses_with_the_reason(CreateExpressGatewayServiceRequest request, string message)
    {
        var error = Assert.Throws<InvalidParameterException>(() => ExpressGatewayRules.Create(request, Now));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_update_that_changes_nothing_is_no_update()
    {
        var current = ExpressGatewayRules.Create(Request(), Now) with { ServiceRevisionArn = "rev/1" };

        Assert.Null(ExpressGatewayRules.Update(current, new UpdateExpressGatewayServiceRequest { Cpu = "256", HealthCheckPath = "/ping" }, Now.AddHours(1)));
        Assert.Null(ExpressGatewayRules.Update(current, new UpdateExpressGatewayServiceRequest { ScalingTarget = new ExpressGatewayScalingTarget { MinTaskCount = 1 } }, Now));
    }

    [Fact]
    public void An_update_replaces_the_container_as_a_whole_and_merges_the_scaling_target()
    {
        var current = ExpressGatewayRules.Create(Request(new ExpressGatewayContainer { Image = "a", ContainerPort = 8080, Command = ["serve"] }), Now) with { ServiceRevisionArn = "rev/1" };

        var next = ExpressGatewayRules.Update(current, new UpdateExpressGatewayServiceRequest
        {
            PrimaryContainer = new ExpressGatewayContainer { Image = "b" },
            ScalingTarget = new ExpressGatewayScalingTarget { MaxTaskCount = 3 },
        }, Now.AddHours(1))!;

        Assert.Equal(new ExpressGatewayContainer { Image = "b", ContainerPort = 80 }, next.PrimaryContainer);
        Assert.Equal((1, 3), (next.ScalingTarget!.MinTaskCount, next.ScalingTarget.MaxTaskCount));
        Assert.Equal(Now.AddHours(1), next.CreatedAt);
        Assert.Null(next.ServiceRevisionArn);
        Assert.True(ExpressGatewayRules.TasksDiffer(next, current));
    }

    [Theory]
    [InlineData("/health", null, false)]
    [InlineData(null, "1024", true)]
    public void Only_changes_to_the_tasks_need_a_deployment(string? healthCheckPath, string? memory, bool deploys)
    {
        var current = ExpressGatewayRules.Create(Request(), Now);

        var next = ExpressGatewayRules.Update(current, new UpdateExpressGatewayServiceRequest { HealthCheckPath = healthCheckPath, Memory = memory }, Now)!;

        Assert.Equal(deploys, ExpressGatewayRules.TasksDiffer(next, current));
    }

    [Fact]
    public void An_environment_with_the_same_values_is_the_same_container()
    {
        ExpressGatewayContainer Container() => new() { Image = "a", Environment = [new Core.Ecs.KeyValuePair { Name = "MESSAGE", Value = "v1" }] };
        var current = ExpressGatewayRules.Create(Request(Container()), Now);

        Assert.Null(ExpressGatewayRules.Update(current, new UpdateExpressGatewayServiceRequest { PrimaryContainer = Container() }, Now));
    }

    [Fact]
    public void The_resource_name_fits_elb_and_is_the_same_for_the_same_service()
    {
        var name = ExpressGatewayRules.ResourceName("arn:aws:ecs:us-east-1:000000000000:service/default/web");

        Assert.Matches("^ecs-express-[0-9a-f]{16}$", name);
        Assert.True(name.Length <= 32);
        Assert.Equal(name, ExpressGatewayRules.ResourceName("arn:aws:ecs:us-east-1:000000000000:service/default/web"));
        Assert.NotEqual(name, ExpressGatewayRules.ResourceName("arn:aws:ecs:us-east-1:000000000000:service/default/api"));
    }
}
