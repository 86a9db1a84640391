using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Reflection;
using System.Text.Json;
using Berth.Agent.Docker;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.State;

namespace Berth.Agent.ControlPlane;

/// <summary>
/// The RegisterContainerInstance request the ECS agent would send for this host: resources, the reserved
/// ports, the ecs.* attributes and the capabilities this agent actually has.
/// </summary>
internal static class InstanceRegistration
{
    /// <summary>SSH, the Docker daemon and the ECS agent's own ports: never offered to tasks (ECS_RESERVED_PORTS).</summary>
    public static readonly IReadOnlyList<string> ReservedPorts = ["22", "2375", "2376", "51678", "51679"];

    public const string CapabilityPrefix = "com.amazonaws.ecs.capability.";

    /// <summary>The Docker remote API versions the ECS agent knows; it registers those the engine speaks.</summary>
    private static readonly Version[] DockerApiVersions = Enumerable.Range(17, 44 - 17 + 1).Select(minor => new Version(1, minor)).ToArray();

    public static RegisterContainerInstanceRequest Build(AgentOptions options, DockerHostInfo host, AgentIdentity identity, string? containerInstanceArn)
    {
        var ports = ReservedPorts.ToList();
        if (options.MetadataPort > 0 && !ports.Contains(options.MetadataPort.ToString(CultureInfo.InvariantCulture)))
        {
            ports.Add(options.MetadataPort.ToString(CultureInfo.InvariantCulture));
        }
        var hostCpuUnits = host.Cpus * 1024L;
        var hostMemoryMiB = host.MemoryBytes / (1024 * 1024);
        return new RegisterContainerInstanceRequest
        {
            Cluster = options.Cluster,
            ContainerInstanceArn = containerInstanceArn,
            InstanceIdentityDocument = JsonSerializer.Serialize(identity, StateJsonContext.Default.AgentIdentity),
            TotalResources =
            [
                new Resource { Name = "CPU", Type = "INTEGER", IntegerValue = (int)(options.CpuUnits ?? options.Split?.CpuUnitsOf(hostCpuUnits) ?? hostCpuUnits) },
                new Resource
                {
                    Name = "MEMORY",
                    Type = "INTEGER",
                    IntegerValue = (int)Math.Max(0, (options.MemoryMiB ?? options.Split?.MemoryMiBOf(hostMemoryMiB) ?? hostMemoryMiB) - options.ReservedMemoryMiB),
                },
                new Resource { Name = "PORTS", Type = "STRINGSET", StringSetValue = ports },
                new Resource { Name = "PORTS_UDP", Type = "STRINGSET", StringSetValue = [] },
            ],
            VersionInfo = new VersionInfo
            {
                AgentVersion = AgentVersion,
                AgentHash = typeof(InstanceRegistration).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..8],
                DockerVersion = $"DockerVersion: {host.ServerVersion}",
            },
            Attributes = Attributes(options, host),
        };
    }

    public static IReadOnlyList<EcsAttribute> Attributes(AgentOptions options, DockerHostInfo host)
    {
        var attributes = new List<EcsAttribute>
        {
            new() { Name = "ecs.os-type", Value = "linux" },
            new() { Name = "ecs.os-family", Value = "LINUX" },
            new() { Name = "ecs.cpu-architecture", Value = host.Architecture },
            new() { Name = "ecs.availability-zone", Value = options.AvailabilityZone },
            new() { Name = "ecs.instance-type", Value = "berth.local" },
        };
        var capabilities = new List<string>();
        if (options.AllowPrivileged)
        {
            capabilities.Add(CapabilityPrefix + "privileged-container");
        }
        capabilities.AddRange(DockerApiVersions.Where(v => v <= host.ApiVersion).Select(v => $"{CapabilityPrefix}docker-remote-api.{v.Major}.{v.Minor}"));
        capabilities.Add(CapabilityPrefix + "logging-driver.json-file");
        capabilities.Add(CapabilityPrefix + "logging-driver.awslogs");
        capabilities.Add(CapabilityPrefix + "logging-driver.none");
        capabilities.Add(CapabilityPrefix + "task-iam-role");
        capabilities.Add("ecs.capability.container-health-check");
        capabilities.Add("ecs.capability.container-ordering");
        // awsvpc: the agent gives tasks their own network namespace and address (a pause container per task).
        capabilities.Add("ecs.capability.task-eni");
        attributes.AddRange(capabilities.Select(c => new EcsAttribute { Name = c }));
        attributes.AddRange(options.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal).Select(a => new EcsAttribute { Name = a.Key, Value = a.Value }));
        return attributes;
    }

    public static string AgentVersion => AgentVersions.Current;

    /// <summary>
    /// The address this host uses to reach the server, which is the best guess for where the server reaches
    /// this host's ports (127.0.0.1 when both run on one machine). No packet is sent.
    /// </summary>
    public static string DetectHostAddress(Uri? serverUrl)
    {
        if (serverUrl is null)
        {
            return "127.0.0.1";
        }
        try
        {
            var addresses = Dns.GetHostAddresses(serverUrl.Host);
            var target = addresses.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork) ?? addresses.First();
            using var socket = new Socket(target.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
            socket.Connect(target, serverUrl.Port);
            return ((IPEndPoint)socket.LocalEndPoint!).Address.ToString();
        }
        catch (SocketException)
        {
            return "127.0.0.1";
        }
        catch (InvalidOperationException)
        {
            return "127.0.0.1";
        }
    }
}
