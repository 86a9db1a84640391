using System.Text.Json;
using Berth.Agent.ControlPlane;
using Berth.Agent.Docker;
using Berth.Core.Agent;
using Berth.Core.State;

namespace Berth.Agent.Tests.ControlPlane;

public sealed class InstanceRegistrationTests
{
    private static readonly DockerHostInfo Host = new(Cpus: 2, MemoryBytes: 4096L * 1024 * 1024, Architecture: "x86_64", ServerVersion: "20.10.24", ApiVersion: new Version(1, 41));
    private static readonly AgentIdentity Identity = new() { InstanceId = "i-0123456789abcdef0", AvailabilityZone = "local-1a", HostAddress = "10.0.0.5" };

    [Fact]
    public void Resources_are_cpu_units_memory_MiB_less_the_reserve_and_the_reserved_ports()
    {
        var request = InstanceRegistration.Build(new AgentOptions { ReservedMemoryMiB = 96, Cluster = "prod" }, Host, Identity, null);

        Assert.Equal("prod", request.Cluster);
        Assert.Null(request.ContainerInstanceArn);
        var resources = request.TotalResources!.ToDictionary(r => r.Name!);
        Assert.Equal(("INTEGER", 2048), (resources["CPU"].Type, resources["CPU"].IntegerValue));
        Assert.Equal(("INTEGER", 4000), (resources["MEMORY"].Type, resources["MEMORY"].IntegerValue));
        Assert.Equal("STRINGSET", resources["PORTS"].Type);
        Assert.Equal(["22", "2375", "2376", "51678", "51679"], resources["PORTS"].StringSetValue);
        Assert.Empty(resources["PORTS_UDP"].StringSetValue!);
        Assert.Equal("DockerVersion: 20.10.24", request.VersionInfo!.DockerVersion);

        var identity = JsonSerializer.Deserialize(request.InstanceIdentityDocument!, StateJsonContext.Default.AgentIdentity)!;
        Assert.Equal(Identity, identity);
    }

    [Theory]
    [InlineData(true, 2048, 1000)]
    [InlineData(false, 2048, 3000)]
    public void An_agent_sharing_the_host_registers_its_part_less_the_reserve(bool isPool, int cpu, int memory)
    {
        var options = new AgentOptions { ReservedMemoryMiB = 48, Split = new HostSplit(null, 1048, isPool) };

        var resources = InstanceRegistration.Build(options, Host, Identity, null).TotalResources!.ToDictionary(r => r.Name!);

        Assert.Equal((cpu, memory), (resources["CPU"].IntegerValue, resources["MEMORY"].IntegerValue));
    }

    [Fact]
    public void Given_sizes_win_over_the_split() =>
        Assert.Equal(512, InstanceRegistration.Build(new AgentOptions { CpuUnits = 512, Split = new HostSplit(null, null, true) }, Host, Identity, null)
            .TotalResources!.Single(r => r.Name == "CPU").IntegerValue);

    [Fact]
    public void Re_registration_carries_the_saved_arn() =>
        Assert.Equal("arn:x", InstanceRegistration.Build(new AgentOptions(), Host, Identity, "arn:x").ContainerInstanceArn);

    [Fact]
    public void Attributes_name_the_platform_and_the_capabilities_the_agent_has()
    {
        var attributes = InstanceRegistration.Attributes(new AgentOptions
        {
            AvailabilityZone = "eu-west-1b",
            Attributes = new Dictionary<string, string> { ["stack"] = "blue" },
        }, Host).ToDictionary(a => a.Name!, a => a.Value);

        Assert.Equal("linux", attributes["ecs.os-type"]);
        Assert.Equal("x86_64", attributes["ecs.cpu-architecture"]);
        Assert.Equal("eu-west-1b", attributes["ecs.availability-zone"]);
        Assert.Equal("berth.local", attributes["ecs.instance-type"]);
        Assert.Equal("blue", attributes["stack"]);
        Assert.Contains("ecs.capability.container-health-check", attributes.Keys);
        Assert.Contains("ecs.capability.container-ordering", attributes.Keys);
        Assert.Contains("ecs.capability.task-eni", attributes.Keys);
        Assert.Contains("com.amazonaws.ecs.capability.logging-driver.awslogs", attributes.Keys);
        Assert.Contains("com.amazonaws.ecs.capability.logging-driver.json-file", attributes.Keys);
        Assert.Contains("com.amazonaws.ecs.capability.task-iam-role", attributes.Keys);
        Assert.Contains("com.amazonaws.ecs.capability.docker-remote-api.1.17", attributes.Keys);
        Assert.Contains("com.amazonaws.ecs.capability.docker-remote-api.1.41", attributes.Keys);
        Assert.DoesNotContain("com.amazonaws.ecs.capability.docker-remote-api.1.42", attributes.Keys); // the engine speaks 1.41
        Assert.DoesNotContain("com.amazonaws.ecs.capability.privileged-container", attributes.Keys);
        Assert.Null(attributes["ecs.capability.container-ordering"]);
    }

    [Fact]
    public void Newer_engines_get_every_api_version_up_to_1_44()
    {
        var names = InstanceRegistration.Attributes(new AgentOptions { AllowPrivileged = true }, Host with { ApiVersion = new Version(1, 47) }).Select(a => a.Name).ToList();
        Assert.Equal(28, names.Count(n => n!.Contains("docker-remote-api", StringComparison.Ordinal)));
        Assert.Contains("com.amazonaws.ecs.capability.docker-remote-api.1.44", names);
        Assert.Contains("com.amazonaws.ecs.capability.privileged-container", names);
    }

    [Fact]
    public void Host_address_is_the_local_address_towards_the_server() =>
        Assert.Equal("127.0.0.1", InstanceRegistration.DetectHostAddress(new Uri("http://127.0.0.1:4566")));
}
