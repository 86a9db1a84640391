using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.TaskDefinitions;
using static Berth.Core.Tests.TaskDefinitions.TaskDefinitionRequests;

namespace Berth.Core.Tests.TaskDefinitions;

public class TaskDefinitionValidatorTests
{
    [Fact]
    public void Accepts_a_minimal_bridge_definition()
    {
        TaskDefinitionValidator.Validate(Bridge());
    }

    [Fact]
    public void Accepts_a_minimal_fargate_definition()
    {
        TaskDefinitionValidator.Validate(Fargate());
    }

    [Fact]
    public void Refuses_an_empty_container_list()
    {
        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Bridge() with { ContainerDefinitions = [] }));
        Assert.Equal("Container list cannot be empty.", error.Message);
    }

    [Fact]
    public void Refuses_a_missing_container_list()
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Bridge() with { ContainerDefinitions = null }));
    }

    [Fact]
    public void Refuses_more_than_ten_containers()
    {
        var containers = Enumerable.Range(1, 11).Select(i => Container($"c{i}")).ToArray();
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Bridge(containers)));
    }

    [Fact]
    public void Refuses_duplicate_container_names()
    {
        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Bridge(Container("web"), Container("web"))));
        Assert.Equal("Duplicate container name found: web.", error.Message);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bad name")]
    [InlineData("web:1")]
    public void Refuses_invalid_family_names(string? family)
    {
        Assert.Throws<InvalidParameterException>(() => TaskDefinitionValidator.Validate(Bridge() with { Family = family }));
    }

    [Fact]
    public void Refuses_a_definition_without_an_essential_container()
    {
        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(
            Bridge(Container("a") with { Essential = false }, Container("b") with { Essential = false })));
        Assert.Equal("A task definition must have at least one essential container.", error.Message);
    }

    [Fact]
    public void A_container_is_essential_unless_it_says_otherwise()
    {
        TaskDefinitionValidator.Validate(Bridge(Container("a") with { Essential = false }, Container("b")));
    }

    [Fact]
    public void Refuses_a_container_without_memory_when_the_task_has_none()
    {
        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Bridge(Container() with { Memory = null })));
        Assert.Equal(
            "Invalid setting for container 'web'. At least one of 'memory' or 'memoryReservation' must be specified.",
            error.Message);
    }

    [Fact]
    public void Task_memory_or_a_memory_reservation_stands_in_for_container_memory()
    {
        TaskDefinitionValidator.Validate(Bridge(Container() with { Memory = null }) with { Memory = "512" });
        TaskDefinitionValidator.Validate(Bridge(Container() with { Memory = null, MemoryReservation = 64 }));
    }

    [Fact]
    public void Refuses_a_memory_reservation_above_the_memory_limit()
    {
        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(
            Bridge(Container() with { Memory = 128, MemoryReservation = 256 })));
        Assert.Contains("'memoryReservation' must be less than or equal to 'memory'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(5)]
    public void Refuses_container_memory_below_six_mebibytes(int memory)
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Bridge(Container() with { Memory = memory })));
    }

    [Theory]
    [InlineData("awsvpc")]
    [InlineData("host")]
    public void Refuses_host_ports_that_differ_from_container_ports_when_the_task_shares_a_namespace(string networkMode)
    {
        var container = Container() with { PortMappings = [new PortMapping { ContainerPort = 80, HostPort = 8080 }] };
        var request = Bridge(container) with { NetworkMode = networkMode };

        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(request));
        Assert.Equal($"When networkMode={networkMode}, the host ports and container ports in port mappings must match.", error.Message);
    }

    [Theory]
    [InlineData("awsvpc", 80)]
    [InlineData("awsvpc", 0)]
    [InlineData("awsvpc", null)]
    [InlineData("host", 80)]
    [InlineData("bridge", 8080)]
    [InlineData("bridge", 0)]
    [InlineData(null, 8080)]
    public void Accepts_host_ports_the_network_mode_allows(string? networkMode, int? hostPort)
    {
        var container = Container() with { PortMappings = [new PortMapping { ContainerPort = 80, HostPort = hostPort }] };

        TaskDefinitionValidator.Validate(Bridge(container) with { NetworkMode = networkMode });
    }

    [Theory]
    [InlineData(0, null)]
    [InlineData(65536, null)]
    [InlineData(80, 65536)]
    [InlineData(80, -1)]
    public void Refuses_ports_outside_the_tcp_range(int containerPort, int? hostPort)
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(
            Bridge(Container() with { PortMappings = [new PortMapping { ContainerPort = containerPort, HostPort = hostPort }] })));
    }

    [Fact]
    public void Refuses_port_mappings_without_a_network()
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(
            Bridge(Container() with { PortMappings = [new PortMapping { ContainerPort = 80 }] }) with { NetworkMode = "none" }));
    }

    [Fact]
    public void Refuses_an_unknown_port_protocol()
    {
        Assert.Throws<InvalidParameterException>(() => TaskDefinitionValidator.Validate(
            Bridge(Container() with { PortMappings = [new PortMapping { ContainerPort = 80, Protocol = "sctp" }] })));
    }

    [Theory]
    [InlineData("bridged")]
    [InlineData("AWSVPC")]
    [InlineData("")]
    public void Refuses_network_modes_ecs_does_not_have(string networkMode)
    {
        var error = Assert.Throws<InvalidParameterException>(() => TaskDefinitionValidator.Validate(Bridge() with { NetworkMode = networkMode }));
        Assert.Equal($"Invalid value '{networkMode}' for networkMode. Valid values are: awsvpc, bridge, host, none.", error.Message);
    }

    [Theory]
    [InlineData("bridge")]
    [InlineData("host")]
    [InlineData("none")]
    public void Fargate_requires_awsvpc(string networkMode)
    {
        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Fargate() with { NetworkMode = networkMode }));
        Assert.Equal("Fargate only supports network mode 'awsvpc'.", error.Message);
    }

    [Fact]
    public void Fargate_requires_a_network_mode()
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Fargate() with { NetworkMode = null }));
    }

    [Theory]
    [InlineData("256", "4096")]
    [InlineData("512", "512")]
    [InlineData("1000", "2048")]
    [InlineData("16384", "16384")]
    public void Fargate_refuses_sizes_it_does_not_offer(string cpu, string memory)
    {
        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Fargate(cpu, memory)));
        Assert.Equal(
            $"No Fargate configuration exists for given values: {cpu} CPU, {memory} memory. See the Amazon ECS documentation for the valid values.",
            error.Message);
    }

    [Fact]
    public void Fargate_requires_task_cpu_and_memory()
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Fargate() with { Cpu = null }));
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Fargate() with { Memory = null }));
    }

    [Fact]
    public void Fargate_refuses_privileged_containers()
    {
        var request = Fargate() with { ContainerDefinitions = [new ContainerDefinition { Name = "web", Image = "nginx", Privileged = true }] };
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(request));
    }

    [Fact]
    public void Fargate_refuses_awslogs_without_an_execution_role()
    {
        var awslogs = Container() with { LogConfiguration = new LogConfiguration { LogDriver = "awslogs" } };

        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Fargate() with { ContainerDefinitions = [awslogs] }));
        Assert.Equal("Fargate requires task definition to have execution role ARN to support log driver awslogs.", error.Message);
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Fargate() with { ContainerDefinitions = [awslogs], ExecutionRoleArn = "" }));
        TaskDefinitionValidator.Validate(Fargate() with { ContainerDefinitions = [awslogs], ExecutionRoleArn = "arn:aws:iam::123456789012:role/exec" });
        TaskDefinitionValidator.Validate(Bridge(awslogs));
    }

    [Fact]
    public void Refuses_a_mount_point_of_an_unknown_volume()
    {
        var container = Container() with { MountPoints = [new MountPoint { SourceVolume = "data", ContainerPath = "/data" }] };
        var request = Bridge(container) with { Volumes = [new Volume { Name = "logs" }] };

        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(request));
        Assert.Equal("Invalid 'mountPoints' setting for container 'web': unknown volume 'data'.", error.Message);
    }

    [Fact]
    public void Accepts_a_mount_point_of_a_declared_volume()
    {
        var container = Container() with { MountPoints = [new MountPoint { SourceVolume = "data", ContainerPath = "/data" }] };

        TaskDefinitionValidator.Validate(Bridge(container) with { Volumes = [new Volume { Name = "data" }] });
    }

    [Fact]
    public void Refuses_duplicate_volume_names()
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(
            Bridge() with { Volumes = [new Volume { Name = "data" }, new Volume { Name = "data" }] }));
    }

    [Fact]
    public void Refuses_a_dependency_on_an_unknown_container()
    {
        var request = Bridge(Container() with { DependsOn = [new ContainerDependency { ContainerName = "db", Condition = "START" }] });

        var error = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(request));
        Assert.Equal("Container 'web' depends on unknown container 'db'.", error.Message);
    }

    [Fact]
    public void Refuses_a_dependency_on_itself()
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(
            Bridge(Container() with { DependsOn = [new ContainerDependency { ContainerName = "web", Condition = "START" }] })));
    }

    [Theory]
    [InlineData("HEALTHY", true)]
    [InlineData("START", true)]
    [InlineData("COMPLETE", true)]
    [InlineData("SUCCESS", true)]
    [InlineData("RUNNING", false)]
    [InlineData(null, false)]
    public void A_dependency_needs_a_known_condition(string? condition, bool accepted)
    {
        var request = Bridge(
            Container("db"),
            Container() with { DependsOn = [new ContainerDependency { ContainerName = "db", Condition = condition }] });

        var error = Record.Exception(() => TaskDefinitionValidator.Validate(request));

        if (accepted)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.IsType<InvalidParameterException>(error);
        }
    }

    public static TheoryData<HealthCheck, bool> HealthChecks => new()
    {
        { Check(), true },
        { Check() with { Interval = 5, Timeout = 2, Retries = 1, StartPeriod = 0 }, true },
        { Check() with { Interval = 300, Timeout = 120, Retries = 10, StartPeriod = 300 }, true },
        { Check() with { Interval = 4 }, false },
        { Check() with { Interval = 301 }, false },
        { Check() with { Timeout = 1 }, false },
        { Check() with { Timeout = 121 }, false },
        { Check() with { Retries = 0 }, false },
        { Check() with { Retries = 11 }, false },
        { Check() with { StartPeriod = -1 }, false },
        { Check() with { StartPeriod = 301 }, false },
    };

    [Theory]
    [MemberData(nameof(HealthChecks))]
    public void Health_check_settings_must_be_within_ecs_ranges(HealthCheck check, bool accepted)
    {
        var error = Record.Exception(() => TaskDefinitionValidator.Validate(Bridge(Container() with { HealthCheck = check })));

        if (accepted)
        {
            Assert.Null(error);
        }
        else
        {
            Assert.IsType<InvalidParameterException>(error);
        }
    }

    [Fact]
    public void A_health_check_needs_a_command()
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(
            Bridge(Container() with { HealthCheck = Check() with { Command = [] } })));
    }

    [Fact]
    public void Refuses_a_container_without_an_image()
    {
        var thrown = Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Bridge(Container() with { Image = " " })));
        Assert.Equal("Container.image should not be null or empty.", thrown.Message);
    }

    [Fact]
    public void Refuses_links_outside_bridge_mode()
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(
            Bridge(Container("db"), Container() with { Links = ["db"] }) with { NetworkMode = "host" }));
    }

    [Fact]
    public void Refuses_links_to_unknown_containers()
    {
        Assert.Throws<ClientException>(() => TaskDefinitionValidator.Validate(Bridge(Container() with { Links = ["db:database"] })));
    }

    [Fact]
    public void Refuses_an_unknown_log_driver()
    {
        Assert.Throws<InvalidParameterException>(() => TaskDefinitionValidator.Validate(
            Bridge(Container() with { LogConfiguration = new LogConfiguration { LogDriver = "loki" } })));
    }

    [Theory]
    [InlineData(20)]
    [InlineData(201)]
    public void Refuses_ephemeral_storage_outside_21_to_200_gib(int size)
    {
        Assert.Throws<InvalidParameterException>(() => TaskDefinitionValidator.Validate(
            Bridge() with { EphemeralStorage = new EphemeralStorage { SizeInGiB = size } }));
    }

    [Fact]
    public void Accepts_a_restart_policy_within_the_reference_limits()
    {
        var policy = new ContainerRestartPolicy { Enabled = true, IgnoredExitCodes = Enumerable.Range(0, 50).ToList(), RestartAttemptPeriod = 60 };
        TaskDefinitionValidator.Validate(Bridge(Container() with { RestartPolicy = policy }));
        TaskDefinitionValidator.Validate(Bridge(Container() with { RestartPolicy = policy with { RestartAttemptPeriod = 1800 } }));
    }

    [Theory]
    [InlineData(59)]
    [InlineData(1801)]
    public void Refuses_a_restart_attempt_period_outside_60_to_1800_seconds(int period)
    {
        var policy = new ContainerRestartPolicy { Enabled = true, RestartAttemptPeriod = period };
        var error = Assert.Throws<InvalidParameterException>(() => TaskDefinitionValidator.Validate(Bridge(Container() with { RestartPolicy = policy })));
        Assert.Contains("restartPolicy.restartAttemptPeriod", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuses_more_than_50_ignored_exit_codes()
    {
        var policy = new ContainerRestartPolicy { Enabled = true, IgnoredExitCodes = Enumerable.Range(0, 51).ToList() };
        Assert.Throws<InvalidParameterException>(() => TaskDefinitionValidator.Validate(Bridge(Container() with { RestartPolicy = policy })));
    }

    [Fact]
    public void Refuses_a_restart_policy_without_enabled()
    {
        var policy = new ContainerRestartPolicy { RestartAttemptPeriod = 60 };
        Assert.Throws<InvalidParameterException>(() => TaskDefinitionValidator.Validate(Bridge(Container() with { RestartPolicy = policy })));
    }

    private static HealthCheck Check() => new() { Command = ["CMD-SHELL", "curl -f http://localhost/ || exit 1"] };
}
