using Berth.Core.Agent;
using Docker.DotNet;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Agent.Docker;

/// <summary>The containers one agent namespace left on a Docker engine that this Berth knows nothing of.</summary>
public sealed record LeftoverRun(string AgentNamespace, int Containers, int Running)
{
    /// <summary>The command that removes them (containers only; their volumes and the subnet networks stay).</summary>
    public string CleanupCommand => $"docker rm -f $(docker ps -aq --filter label={DockerLabels.AgentNamespace}={AgentNamespace})";
}

/// <summary>
/// Finds what another Berth (an earlier run, a removed data directory, a killed test) left on the engine: containers
/// with Berth's agent label none of whose tasks this Berth knows. They keep their host ports and awsvpc addresses
/// (address leases skip those, see <see cref="Networking.SubnetAttachments"/>), so <c>berth up</c> names them.
/// </summary>
public static class LeftoverContainers
{
    /// <summary>The leftover runs, or none when Docker cannot be asked (the agent reports that itself).</summary>
    public static async Task<IReadOnlyList<LeftoverRun>> FindAsync(
        Uri dockerEndpoint, Func<string, CancellationToken, Task<bool>> isKnownTask, CancellationToken cancellationToken)
    {
        using var docker = new DockerDriver(dockerEndpoint, NullLogger<DockerDriver>.Instance);
        try
        {
            var runs = new List<LeftoverRun>();
            var containers = await docker.ListContainersAsync(new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
            foreach (var run in containers.Where(c => c.Labels?.ContainsKey(DockerLabels.AgentNamespace) == true)
                         .GroupBy(c => c.Labels![DockerLabels.AgentNamespace], StringComparer.Ordinal))
            {
                var known = false;
                foreach (var arn in run.Select(ContainerLabels.TaskArnOf).OfType<string>().Distinct(StringComparer.Ordinal))
                {
                    known = known || await isKnownTask(arn, cancellationToken).ConfigureAwait(false);
                }
                if (!known)
                {
                    runs.Add(new LeftoverRun(run.Key, run.Count(), run.Count(c => c.State == "running")));
                }
            }
            return runs;
        }
        catch (Exception e) when (e is DockerApiException or HttpRequestException or IOException)
        {
            return [];
        }
    }
}
