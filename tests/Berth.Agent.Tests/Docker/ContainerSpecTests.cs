using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using EcsKeyValuePair = Berth.Core.Ecs.KeyValuePair;

namespace Berth.Agent.Tests.Docker;

/// <summary>Container definition → Docker create call, field by field, without Docker.</summary>
public sealed class ContainerSpecTests
{
    private const long MiB = 1024 * 1024;

    private static global::Docker.DotNet.Models.CreateContainerParameters Build(ContainerDefinition definition, string? networkMode = "bridge",
        IReadOnlyList<Volume>? volumes = null, IReadOnlyDictionary<string, string>? dockerNames = null, IReadOnlyDictionary<string, string>? volumeSources = null,
        ContainerCredentials? credentials = null, ContainerSecretValues? secrets = null)
    {
        var assignment = TestTasks.Assignment("fam", networkMode, volumes, definition);
        var plan = TaskPlan.Build(assignment, allowPrivileged: true);
        return ContainerSpec.Build(plan.Containers[0], new ContainerSpecContext
        {
            Task = assignment.Task,
            TaskDefinition = assignment.TaskDefinition,
            Cluster = "default",
            AgentNamespace = "ns",
            DockerName = "ecs-fam-1-c-0123456789abcdef0123",
            MetadataUriV4 = "http://172.17.0.1:51679/v4/token",
            MetadataUriV3 = "http://172.17.0.1:51679/v3/token",
            DockerNames = dockerNames ?? new Dictionary<string, string>(),
            VolumeSources = volumeSources ?? new Dictionary<string, string>(),
            StopTimeout = TimeSpan.FromSeconds(30),
            NetworkSandboxId = networkMode == "awsvpc" ? "pause-id" : null,
            Credentials = credentials,
            Secrets = secrets,
        });
    }

    [Theory]
    [InlineData(null, 2)]
    [InlineData(0, 2)]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(512, 512)]
    public void Cpu_units_become_cpu_shares_with_the_kernel_minimum_of_2(int? cpu, long shares) =>
        Assert.Equal(shares, Build(new ContainerDefinition { Name = "c", Image = "i", Cpu = cpu }).HostConfig!.CPUShares);

    [Fact]
    public void Memory_is_the_hard_limit_and_memoryReservation_the_soft_one()
    {
        var host = Build(new ContainerDefinition { Name = "c", Image = "i", Memory = 256, MemoryReservation = 128 }).HostConfig!;
        Assert.Equal(256 * MiB, host.Memory);
        Assert.Equal(128 * MiB, host.MemoryReservation);
    }

    [Fact]
    public void No_memory_settings_mean_no_limits()
    {
        var host = Build(new ContainerDefinition { Name = "c", Image = "i" }).HostConfig!;
        Assert.Equal(0, host.Memory);
        Assert.Equal(0, host.MemoryReservation);
    }

    [Fact]
    public void Environment_gets_the_metadata_uris()
    {
        var env = Build(new ContainerDefinition { Name = "c", Image = "i", Environment = [new EcsKeyValuePair { Name = "A", Value = "1" }] }).Env!;
        Assert.Contains("A=1", env);
        Assert.Contains("ECS_CONTAINER_METADATA_URI_V4=http://172.17.0.1:51679/v4/token", env);
        Assert.Contains("ECS_CONTAINER_METADATA_URI=http://172.17.0.1:51679/v3/token", env);
    }

    [Fact]
    public void Resolved_secrets_become_environment_variables_and_log_driver_options()
    {
        var definition = new ContainerDefinition
        {
            Name = "c",
            Image = "i",
            LogConfiguration = new LogConfiguration { LogDriver = "syslog", Options = new Dictionary<string, string> { ["tag"] = "t" } },
        };
        var secrets = new ContainerSecretValues
        {
            Environment = new Dictionary<string, string> { ["DB_PASSWORD"] = "hunter2" },
            LogOptions = new Dictionary<string, string> { ["syslog-address"] = "udp://127.0.0.1:514" },
        };

        var create = Build(definition, secrets: secrets);

        Assert.Contains("DB_PASSWORD=hunter2", create.Env!);
        Assert.Equal(new Dictionary<string, string> { ["tag"] = "t", ["syslog-address"] = "udp://127.0.0.1:514" }, create.HostConfig!.LogConfig.Config);
        Assert.DoesNotContain(Build(definition).Env!, e => e.StartsWith("DB_PASSWORD", StringComparison.Ordinal));
    }

    [Fact]
    public void A_task_with_a_role_gets_its_credentials_path_relative_to_the_ECS_credentials_address()
    {
        var definition = new ContainerDefinition { Name = "c", Image = "i" };

        var env = Build(definition, credentials: new ContainerCredentials("/v2/credentials/0f3c", null, null)).Env!;
        Assert.Contains("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI=/v2/credentials/0f3c", env);
        Assert.DoesNotContain(env, e => e.StartsWith("AWS_CONTAINER_CREDENTIALS_FULL_URI", StringComparison.Ordinal) || e.StartsWith("AWS_CONTAINER_AUTHORIZATION_TOKEN", StringComparison.Ordinal));
        Assert.DoesNotContain(Build(definition).Env!, e => e.StartsWith("AWS_CONTAINER_", StringComparison.Ordinal));
    }

    [Fact]
    public void A_host_mode_task_with_a_role_gets_the_full_uri_on_loopback_and_its_authorization_token()
    {
        var env = Build(new ContainerDefinition { Name = "c", Image = "i" }, networkMode: "host",
            credentials: new ContainerCredentials(null, "http://127.0.0.1:41234/v2/credentials/0f3c", "7a1d")).Env!;

        Assert.Contains("AWS_CONTAINER_CREDENTIALS_FULL_URI=http://127.0.0.1:41234/v2/credentials/0f3c", env);
        Assert.Contains("AWS_CONTAINER_AUTHORIZATION_TOKEN=7a1d", env);
        Assert.DoesNotContain(env, e => e.StartsWith("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", StringComparison.Ordinal));
    }

    [Fact]
    public void Agent_labels_are_added_to_the_definition_labels_and_win_over_them()
    {
        var labels = Build(new ContainerDefinition
        {
            Name = "c",
            Image = "i",
            DockerLabels = new Dictionary<string, string> { ["team"] = "a", [DockerLabels.AgentNamespace] = "spoofed" },
        }).Labels!;
        Assert.Equal("a", labels["team"]);
        Assert.Equal("ns", labels[DockerLabels.AgentNamespace]);
        Assert.Equal("c", labels[DockerLabels.ContainerName]);
        Assert.Equal("fam", labels[DockerLabels.TaskDefinitionFamily]);
        Assert.Equal("1", labels[DockerLabels.TaskDefinitionVersion]);
        Assert.Equal("default", labels[DockerLabels.Cluster]);
        Assert.StartsWith("arn:aws:ecs:", labels[DockerLabels.TaskArn], StringComparison.Ordinal);
    }

    [Fact]
    public void Bridge_port_mappings_publish_fixed_or_ephemeral_host_ports()
    {
        var p = Build(new ContainerDefinition
        {
            Name = "c",
            Image = "i",
            PortMappings = [new PortMapping { ContainerPort = 80 }, new PortMapping { ContainerPort = 53, HostPort = 5353, Protocol = "udp" }],
        });
        Assert.Equal(["53/udp", "80/tcp"], p.ExposedPorts!.Keys.Order());
        Assert.Equal("", p.HostConfig!.PortBindings!["80/tcp"].Single().HostPort);
        Assert.Equal("5353", p.HostConfig!.PortBindings!["53/udp"].Single().HostPort);
        Assert.Equal("bridge", p.HostConfig!.NetworkMode);
    }

    [Fact]
    public void Awsvpc_containers_join_the_pause_namespace_and_publish_nothing()
    {
        var p = Build(new ContainerDefinition
        {
            Name = "c",
            Image = "i",
            Hostname = "h",
            Links = [],
            PortMappings = [new PortMapping { ContainerPort = 80, HostPort = 80 }],
        }, networkMode: "awsvpc");
        Assert.Equal("container:pause-id", p.HostConfig!.NetworkMode);
        // Docker refuses exposed or published ports and a hostname inside another container's namespace.
        Assert.Empty(p.ExposedPorts!);
        Assert.Empty(p.HostConfig!.PortBindings!);
        Assert.Empty(p.Hostname);
    }

    [Fact]
    public void Host_mode_publishes_nothing_and_drops_bridge_only_settings()
    {
        var p = Build(new ContainerDefinition
        {
            Name = "c",
            Image = "i",
            Hostname = "h",
            DnsServers = ["1.1.1.1"],
            PortMappings = [new PortMapping { ContainerPort = 8080, HostPort = 8080 }],
        }, networkMode: "host");
        Assert.Equal("host", p.HostConfig!.NetworkMode);
        Assert.Empty(p.HostConfig!.PortBindings!);
        Assert.Empty(p.Hostname);
        Assert.Null(p.HostConfig!.DNS);
    }

    [Theory]
    [InlineData(null, "bridge")]
    [InlineData("bridge", "bridge")]
    [InlineData("host", "host")]
    [InlineData("none", "none")]
    [InlineData("awsvpc", "container:pause-id")]
    public void Network_modes(string? mode, string docker) =>
        Assert.Equal(docker, ContainerSpec.NetworkModeOf(new TaskDefinition { NetworkMode = mode }, "pause-id"));

    [Fact]
    public void Health_check_uses_ECS_defaults_in_nanoseconds()
    {
        var check = Build(new ContainerDefinition { Name = "c", Image = "i", HealthCheck = new HealthCheck { Command = ["CMD-SHELL", "true"] } }).Healthcheck!;
        Assert.Equal(["CMD-SHELL", "true"], check.Test);
        Assert.Equal(TimeSpan.FromSeconds(30), check.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), check.Timeout);
        Assert.Equal(3, check.Retries);
        Assert.Equal(TimeSpan.Zero, check.StartPeriod);

        var custom = ContainerSpec.HealthConfigOf(new HealthCheck { Command = ["CMD", "curl", "x"], Interval = 5, Timeout = 2, Retries = 1, StartPeriod = 10 })!;
        Assert.Equal(TimeSpan.FromSeconds(5), custom.Interval);
        Assert.Equal(TimeSpan.FromSeconds(10), custom.StartPeriod);
        Assert.Null(ContainerSpec.HealthConfigOf(null));
    }

    [Fact]
    public void Linux_parameters_ulimits_and_flags_are_passed_on()
    {
        var p = Build(new ContainerDefinition
        {
            Name = "c",
            Image = "i",
            Memory = 100,
            EntryPoint = ["/bin/sh", "-c"],
            Command = ["echo hi"],
            User = "nobody",
            WorkingDirectory = "/w",
            ReadonlyRootFilesystem = true,
            Privileged = true,
            Ulimits = [new Berth.Core.Ecs.Ulimit { Name = "nofile", SoftLimit = 10, HardLimit = 20 }],
            LinuxParameters = new LinuxParameters
            {
                InitProcessEnabled = true,
                SharedMemorySize = 64,
                MaxSwap = 50,
                Capabilities = new KernelCapabilities { Add = ["NET_ADMIN"], Drop = ["MKNOD"] },
                Tmpfs = [new Tmpfs { ContainerPath = "/run", Size = 16, MountOptions = ["noexec"] }],
            },
            ExtraHosts = [new HostEntry { Hostname = "a", IpAddress = "10.0.0.1" }],
            StopTimeout = 7,
        });
        Assert.Equal(["/bin/sh", "-c"], p.Entrypoint);
        Assert.Equal(["echo hi"], p.Cmd);
        Assert.Equal("nobody", p.User);
        Assert.Equal("/w", p.WorkingDir);
        Assert.True(p.HostConfig!.ReadonlyRootfs);
        Assert.True(p.HostConfig!.Privileged);
        Assert.True(p.HostConfig!.Init);
        Assert.Equal(64 * MiB, p.HostConfig!.ShmSize);
        Assert.Equal(150 * MiB, p.HostConfig!.MemorySwap);
        Assert.Equal(["NET_ADMIN"], p.HostConfig!.CapAdd);
        Assert.Equal(["MKNOD"], p.HostConfig!.CapDrop);
        Assert.Equal("size=16m,noexec", p.HostConfig!.Tmpfs!["/run"]);
        Assert.Equal(["a:10.0.0.1"], p.HostConfig!.ExtraHosts);
        var ulimit = Assert.Single(p.HostConfig!.Ulimits!);
        Assert.Equal(("nofile", 10L, 20L), (ulimit.Name, ulimit.Soft, ulimit.Hard));
        Assert.Equal(TimeSpan.FromSeconds(30), p.StopTimeout); // from the context: the agent caps it
    }

    [Fact]
    public void Links_volumes_and_volumesFrom_use_the_Docker_names_of_the_other_containers()
    {
        var p = Build(new ContainerDefinition
        {
            Name = "c",
            Image = "i",
            Links = ["db:database", "cache"],
            VolumesFrom = [new VolumeFrom { SourceContainer = "db", ReadOnly = true }],
            MountPoints = [new MountPoint { SourceVolume = "data", ContainerPath = "/data", ReadOnly = true }, new MountPoint { SourceVolume = "tmp", ContainerPath = "/t" }],
        }, volumes: [new Volume { Name = "data", Host = new HostVolumeProperties { SourcePath = "/srv" } }, new Volume { Name = "tmp" }],
        dockerNames: new Dictionary<string, string> { ["db"] = "ecs-fam-1-db-aa", ["cache"] = "ecs-fam-1-cache-bb" },
        volumeSources: new Dictionary<string, string> { ["data"] = "/srv", ["tmp"] = "ecs-fam-1-tmp-task" });
        Assert.Equal(["ecs-fam-1-db-aa:database", "ecs-fam-1-cache-bb:cache"], p.HostConfig!.Links);
        Assert.Equal(["ecs-fam-1-db-aa:ro"], p.HostConfig!.VolumesFrom);
        Assert.Equal(["/srv:/data:ro", "ecs-fam-1-tmp-task:/t"], p.HostConfig!.Binds);
    }

    [Fact]
    public void Awslogs_runs_as_json_file_until_logs_are_shipped_and_other_drivers_pass_through()
    {
        var awslogs = Build(new ContainerDefinition
        {
            Name = "c",
            Image = "i",
            LogConfiguration = new LogConfiguration { LogDriver = "awslogs", Options = new Dictionary<string, string> { ["awslogs-group"] = "g" } },
        }).HostConfig!.LogConfig;
        Assert.Equal("json-file", awslogs.Type);
        var json = Build(new ContainerDefinition
        {
            Name = "c",
            Image = "i",
            LogConfiguration = new LogConfiguration { LogDriver = "json-file", Options = new Dictionary<string, string> { ["max-size"] = "1m" } },
        }).HostConfig!.LogConfig;
        Assert.Equal("1m", json.Config!["max-size"]);
    }

    [Fact]
    public void Docker_names_follow_the_ECS_agent_pattern() =>
        Assert.Matches("^ecs-my-app-12-web_1-[0-9a-f]{20}$",
            ContainerSpec.DockerNameFor(new TaskDefinition { Family = "my-app", Revision = 12 }, "web_1"));
}
