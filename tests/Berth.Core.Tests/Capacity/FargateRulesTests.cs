using Berth.Core.Arns;
using Berth.Core.Capacity;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Capacity;

public class FargateRulesTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("LATEST")]
    [InlineData("1.4.0")]
    public void Fargate_tasks_report_platform_version_1_4_0(string? requested)
    {
        Assert.Equal("1.4.0", FargateRules.PlatformVersionFor("FARGATE", requested));
    }

    [Fact]
    public void Older_fargate_platform_versions_are_unsupported()
    {
        Assert.Throws<UnsupportedFeatureException>(() => FargateRules.PlatformVersionFor("FARGATE", "1.3.0"));
    }

    [Fact]
    public void An_unknown_platform_version_is_an_invalid_parameter()
    {
        Assert.Throws<InvalidParameterException>(() => FargateRules.PlatformVersionFor("FARGATE", "9.9.9"));
    }

    [Fact]
    public void EC2_tasks_have_no_platform_version_and_may_not_ask_for_one()
    {
        Assert.Null(FargateRules.PlatformVersionFor("EC2", null));
        var e = Assert.Throws<InvalidParameterException>(() => FargateRules.PlatformVersionFor("EC2", "LATEST"));
        Assert.Equal("The platform version must be null when specifying an EC2 launch type.", e.Message);
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(0, 1)]
    public void Fargate_refuses_placement_strategies_and_constraints(int strategies, int constraints)
    {
        Assert.Throws<InvalidParameterException>(() => FargateRules.RefusePlacement("FARGATE", strategies, constraints));
    }

    [Fact]
    public void EC2_keeps_its_placement_strategies_and_constraints()
    {
        FargateRules.RefusePlacement("EC2", 2, 3);
    }

    [Theory]
    [InlineData(20)]
    [InlineData(21)]
    [InlineData(200)]
    public void Fargate_accepts_20_to_200_GiB_of_ephemeral_storage(int size)
    {
        FargateRules.ValidateEphemeralStorage("FARGATE", new EphemeralStorage { SizeInGiB = size });
    }

    [Theory]
    [InlineData(19)]
    [InlineData(201)]
    [InlineData(null)]
    public void Ephemeral_storage_outside_20_to_200_GiB_is_refused(int? size)
    {
        Assert.Throws<InvalidParameterException>(() => FargateRules.ValidateEphemeralStorage("FARGATE", new EphemeralStorage { SizeInGiB = size }));
    }

    [Fact]
    public void Ephemeral_storage_overrides_are_for_fargate_only()
    {
        Assert.Throws<InvalidParameterException>(() => FargateRules.ValidateEphemeralStorage("EC2", new EphemeralStorage { SizeInGiB = 30 }));
    }

    [Fact]
    public void A_fargate_task_gets_20_GiB_unless_its_definition_or_an_override_says_otherwise()
    {
        var plain = new TaskDefinition();
        var sized = new TaskDefinition { EphemeralStorage = new EphemeralStorage { SizeInGiB = 50 } };

        Assert.Equal(20, FargateRules.EphemeralStorageOf(plain, null).SizeInGiB);
        Assert.Equal(50, FargateRules.EphemeralStorageOf(sized, null).SizeInGiB);
        Assert.Equal(80, FargateRules.EphemeralStorageOf(sized, new TaskOverride { EphemeralStorage = new EphemeralStorage { SizeInGiB = 80 } }).SizeInGiB);
    }

    [Fact]
    public void A_new_fargate_task_reports_platform_storage_and_provider_as_ecs_does()
    {
        var definition = new TaskDefinition
        {
            TaskDefinitionArn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
            Family = "web",
            Cpu = "256",
            Memory = "512",
            ContainerDefinitions = [new ContainerDefinition { Name = "web", Image = "berth/sample-web" }],
        };
        var launch = new TaskLaunch(definition, null, null, "family:web", [], "FARGATE", null, "1.4.0", "FARGATE_SPOT");

        var task = EcsTaskFactory.Create(launch, new ResourceScope("us-east-1", "000000000000"), "c", "id", "arn:i", null, DateTimeOffset.UnixEpoch);

        Assert.Equal("FARGATE", task.LaunchType);
        Assert.Equal("FARGATE_SPOT", task.CapacityProviderName);
        Assert.Equal("1.4.0", task.PlatformVersion);
        Assert.Equal("Linux", task.PlatformFamily);
        Assert.Equal(20, task.EphemeralStorage!.SizeInGiB);
    }

    [Fact]
    public void A_new_ec2_task_reports_no_fargate_fields()
    {
        var definition = new TaskDefinition
        {
            TaskDefinitionArn = "arn:aws:ecs:us-east-1:000000000000:task-definition/web:1",
            Family = "web",
            ContainerDefinitions = [new ContainerDefinition { Name = "web", Image = "berth/sample-web", Memory = 64 }],
        };
        var task = EcsTaskFactory.Create(new TaskLaunch(definition, null, null, "family:web", [], "EC2"),
            new ResourceScope("us-east-1", "000000000000"), "c", "id", "arn:i", null, DateTimeOffset.UnixEpoch);

        Assert.Null(task.PlatformVersion);
        Assert.Null(task.PlatformFamily);
        Assert.Null(task.EphemeralStorage);
        Assert.Null(task.CapacityProviderName);
    }
}
