using System.Text.Json;
using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.TaskDefinitions;
using static Berth.Core.Tests.TaskDefinitions.TaskDefinitionRequests;

namespace Berth.Core.Tests.TaskDefinitions;

public class TaskDefinitionBuilderTests
{
    private static readonly ResourceScope Scope = new("eu-west-1", "123456789012");
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private const string Root = "arn:aws:iam::123456789012:root";

    private static TaskDefinition Build(RegisterTaskDefinitionRequest request, int revision = 1) =>
        TaskDefinitionBuilder.Build(TaskDefinitionBuilder.Normalize(request), Scope, revision, Now, Root);

    [Fact]
    public void Fills_in_container_defaults_as_ecs_returns_them()
    {
        var container = Assert.Single(Build(Bridge(Container() with { PortMappings = [new PortMapping { ContainerPort = 80 }] })).ContainerDefinitions!);

        Assert.Equal(
            """
            {"name":"web","image":"nginx:latest","cpu":0,"memory":128,"portMappings":[{"containerPort":80,"protocol":"tcp"}],"essential":true,"environment":[],"mountPoints":[],"volumesFrom":[],"systemControls":[]}
            """,
            JsonSerializer.Serialize(container, EcsJsonContext.Default.ContainerDefinition));
    }

    [Fact]
    public void Keeps_values_the_request_gave()
    {
        var container = Assert.Single(Build(Bridge(Container() with
        {
            Cpu = 256,
            Essential = false,
            PortMappings = [new PortMapping { ContainerPort = 53, HostPort = 5353, Protocol = "udp" }],
        }, Container("sidecar"))).ContainerDefinitions!, c => c.Name == "web");

        Assert.Equal(256, container.Cpu);
        Assert.False(container.Essential);
        Assert.Equal(new PortMapping { ContainerPort = 53, HostPort = 5353, Protocol = "udp" }, Assert.Single(container.PortMappings!));
    }

    [Theory]
    [InlineData("awsvpc")]
    [InlineData("host")]
    public void Host_port_is_the_container_port_when_the_task_shares_a_namespace(string networkMode)
    {
        var definition = Build(Bridge(Container() with { PortMappings = [new PortMapping { ContainerPort = 8080 }] }) with { NetworkMode = networkMode });

        Assert.Equal(8080, Assert.Single(Assert.Single(definition.ContainerDefinitions!).PortMappings!).HostPort);
    }

    [Fact]
    public void Host_port_stays_dynamic_in_bridge_mode()
    {
        var definition = Build(Bridge(Container() with { PortMappings = [new PortMapping { ContainerPort = 8080 }] }));

        Assert.Null(Assert.Single(Assert.Single(definition.ContainerDefinitions!).PortMappings!).HostPort);
    }

    [Fact]
    public void Describes_the_revision_as_registered()
    {
        var definition = Build(Bridge() with { Cpu = "0.5 vCPU", Memory = "1GB" }, revision: 3);

        Assert.Equal("arn:aws:ecs:eu-west-1:123456789012:task-definition/web:3", definition.TaskDefinitionArn);
        Assert.Equal("web", definition.Family);
        Assert.Equal(3, definition.Revision);
        Assert.Equal("ACTIVE", definition.Status);
        Assert.Equal("512", definition.Cpu);
        Assert.Equal("1024", definition.Memory);
        Assert.Equal(Now, definition.RegisteredAt);
        Assert.Equal(Root, definition.RegisteredBy);
        Assert.Empty(definition.Volumes!);
        Assert.Empty(definition.PlacementConstraints!);
        Assert.Null(definition.DeregisteredAt);
    }

    [Fact]
    public void A_bridge_definition_is_compatible_with_external_and_ec2()
    {
        Assert.Equal(["EXTERNAL", "EC2"], Build(Bridge()).Compatibilities);
        Assert.Equal(["EXTERNAL", "EC2"], Build(Bridge() with { NetworkMode = "host" }).Compatibilities);
    }

    [Fact]
    public void An_awsvpc_definition_with_a_fargate_size_is_compatible_with_ec2_and_fargate()
    {
        Assert.Equal(["EC2", "FARGATE"], Build(Fargate()).Compatibilities);
        Assert.Equal(["EC2", "FARGATE"], Build(Fargate("1 vCPU", "2 GB")).Compatibilities);
        Assert.Equal(["EC2", "FARGATE"], Build(Fargate() with { RequiresCompatibilities = null }).Compatibilities);
    }

    [Theory]
    [InlineData("256", "4096")]
    [InlineData(null, null)]
    public void An_awsvpc_definition_without_a_fargate_size_is_compatible_with_ec2_only(string? cpu, string? memory)
    {
        var definition = Build(Bridge() with { NetworkMode = "awsvpc", Cpu = cpu, Memory = memory });

        Assert.Equal(["EC2"], definition.Compatibilities);
    }

    [Fact]
    public void Privileged_containers_and_host_volumes_rule_out_fargate()
    {
        Assert.Equal(["EC2"], Build(Fargate() with { ContainerDefinitions = [Container() with { Privileged = true }] }).Compatibilities);
        Assert.Equal(["EC2"], Build(Fargate() with
        {
            Volumes = [new Volume { Name = "data", Host = new HostVolumeProperties { SourcePath = "/srv" } }],
        }).Compatibilities);
    }

    [Fact]
    public void Requires_the_agent_capabilities_the_definition_uses()
    {
        var definition = Build(Fargate() with
        {
            TaskRoleArn = "arn:aws:iam::123456789012:role/web",
            ContainerDefinitions =
            [
                Container("db") with { HealthCheck = new HealthCheck { Command = ["CMD", "true"] } },
                Container() with
                {
                    DependsOn = [new ContainerDependency { ContainerName = "db", Condition = "HEALTHY" }],
                    LogConfiguration = new LogConfiguration { LogDriver = "awslogs" },
                },
            ],
        });

        Assert.Equal(
            [
                "com.amazonaws.ecs.capability.logging-driver.awslogs",
                "com.amazonaws.ecs.capability.task-iam-role",
                "ecs.capability.container-health-check",
                "ecs.capability.container-ordering",
                "ecs.capability.task-eni",
            ],
            definition.RequiresAttributes!.Select(a => a.Name));
    }

    [Fact]
    public void A_plain_bridge_definition_requires_no_capabilities()
    {
        Assert.Empty(Build(Bridge()).RequiresAttributes!);
    }
}
