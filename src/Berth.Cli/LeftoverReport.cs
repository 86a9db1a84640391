using Berth.Agent.Docker;
using Berth.Store;

namespace Berth.Cli;

/// <summary>
/// <c>berth up</c>'s word on what another Berth left on the Docker engine (issue: leftovers made awsvpc tasks fail
/// with "Address already in use"): which agent namespace, how many containers, and the command that removes them.
/// </summary>
internal static class LeftoverReport
{
    public static async Task PrintAsync(IStateStore store, Uri dockerEndpoint, CancellationToken cancellationToken)
    {
        var runs = await LeftoverContainers.FindAsync(dockerEndpoint,
            async (arn, ct) => await store.GetAsync(EcsRecords.Tasks, arn, ct).ConfigureAwait(false) is not null,
            cancellationToken).ConfigureAwait(false);
        foreach (var run in runs)
        {
            Console.WriteLine($"  leftover: {run.Containers} containers ({run.Running} running) of another Berth (agent namespace {run.AgentNamespace}: "
                + "an earlier run or another data directory) keep their ports and awsvpc addresses on this Docker engine; remove them with");
            Console.WriteLine($"            {run.CleanupCommand}");
        }
    }
}
