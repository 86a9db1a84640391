using System.CommandLine;
using Berth.Agent;
using Berth.Core.Capacity;

namespace Berth.Cli;

/// <summary>
/// The agent's flags, each falling back to a BERTH_* environment variable, then to the default in
/// <see cref="AgentOptions"/>. <c>berth up</c> takes the same flags for its local agent.
/// </summary>
internal sealed class AgentFlags
{
    private static readonly AgentOptions Defaults = new();

    private readonly Option<string> _cluster = EnvOption.Create("--cluster", "Cluster the instance joins", "BERTH_CLUSTER", Defaults.Cluster);
    private readonly Option<string?> _namespace = EnvOption.Create<string?>("--agent-namespace", "Docker label value that marks this agent's containers", "BERTH_AGENT_NAMESPACE", null);
    private readonly Option<string> _zone = EnvOption.Create("--availability-zone", "ecs.availability-zone attribute", "BERTH_AVAILABILITY_ZONE", Defaults.AvailabilityZone);
    private readonly Option<string?> _autoScalingGroup = EnvOption.Create<string?>(
        "--auto-scaling-group", $"Auto Scaling group the instance is in (the {AutoScalingGroup.AttributeName} attribute), for capacity providers",
        "BERTH_AUTO_SCALING_GROUP", null);
    private readonly Option<string[]> _attributes = new("--attribute") { Description = "Custom attribute name=value (repeatable)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<bool> _privileged = EnvOption.Create("--allow-privileged", "Allow privileged containers", "BERTH_ALLOW_PRIVILEGED", false);
    private readonly Option<int> _metadataPort = EnvOption.Create("--metadata-port", "Task metadata endpoint port (0: any free port)", "BERTH_METADATA_PORT", Defaults.MetadataPort);
    private readonly Option<int> _reservedMemory = EnvOption.Create("--reserved-memory", "MiB kept back from tasks", "BERTH_RESERVED_MEMORY", Defaults.ReservedMemoryMiB);

    public void AddTo(Command command)
    {
        command.Options.Add(_cluster);
        command.Options.Add(_namespace);
        command.Options.Add(_zone);
        command.Options.Add(_autoScalingGroup);
        command.Options.Add(_attributes);
        command.Options.Add(_privileged);
        command.Options.Add(_metadataPort);
        command.Options.Add(_reservedMemory);
    }

    public AgentOptions Read(ParseResult result, Uri serverUrl, string dataDirectory)
    {
        var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in result.GetValue(_attributes) ?? [])
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new ArgumentException($"--attribute takes name=value; got '{pair}'.");
            }
            attributes[pair[..equals]] = pair[(equals + 1)..];
        }
        if (result.GetValue(_autoScalingGroup) is { } group)
        {
            attributes[AutoScalingGroup.AttributeName] = group;
        }
        var options = new AgentOptions
        {
            ServerUrl = serverUrl,
            Cluster = result.GetValue(_cluster)!,
            DataDirectory = dataDirectory,
            AgentNamespace = result.GetValue(_namespace),
            AvailabilityZone = result.GetValue(_zone)!,
            Attributes = attributes,
            AllowPrivileged = result.GetValue(_privileged),
            MetadataPort = result.GetValue(_metadataPort),
            ReservedMemoryMiB = result.GetValue(_reservedMemory),
        };
        options.Validate();
        return options;
    }
}
