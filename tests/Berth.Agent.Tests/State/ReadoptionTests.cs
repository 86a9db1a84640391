using Berth.Agent.Tests.Support;
using Xunit.Abstractions;

namespace Berth.Agent.Tests.State;

/// <summary>An agent restart re-registers as the same instance and adopts its containers instead of restarting them.</summary>
public sealed class ReadoptionTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_new_agent_on_the_same_state_adopts_running_containers_and_removes_unlisted_ones()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var web = TestTasks.Assignment("keep", "bridge", TestTasks.Web());
        var gone = TestTasks.Assignment("gone", "bridge", TestTasks.Tools("sleeper", "") with { Command = ["sleep", "1000"], StopTimeout = 1 });
        var webId = (await h.RunUntilAsync(web, "RUNNING")).Containers.Single().RuntimeId!;
        var goneId = (await h.RunUntilAsync(gone, "RUNNING")).Containers.Single().RuntimeId!;
        var startedAt = (await DockerEnvironment.Client.Containers.InspectContainerAsync(webId)).State!.StartedAt;
        var firstArn = await h.Agent!.Registered;

        await h.StopAgentAsync();
        Assert.True((await DockerEnvironment.Client.Containers.InspectContainerAsync(webId)).State!.Running, "stopping the agent must not stop containers");
        h.Server.Unassign(gone.Task.TaskArn!); // the server forgets a task while the agent is down
        var reportsBefore = h.Server.Reports.Count;

        await h.StartAgentAsync();

        Assert.Equal(firstArn, h.Server.Registrations[^1].ContainerInstanceArn); // re-registered as the same instance
        Assert.Equal(firstArn, await h.Agent!.Registered);
        var caughtUp = await h.Server.WaitForReportAsync(web.Task.TaskArn!, r => r.LastStatus == "RUNNING", TimeSpan.FromSeconds(20), reportsBefore);
        Assert.Equal(webId, caughtUp.Containers.Single().RuntimeId);
        var after = await DockerEnvironment.Client.Containers.InspectContainerAsync(webId);
        Assert.True(after.State!.Running);
        Assert.Equal(startedAt, after.State.StartedAt); // same process: never restarted
        await Waits.UntilContainerGoneAsync(goneId);

        // The adopted task is managed as before.
        h.Server.SetDesiredStatus(web.Task.TaskArn!, "STOPPED");
        var stopped = await h.Server.WaitForReportAsync(web.Task.TaskArn!, r => r.LastStatus == "STOPPED", TimeSpan.FromSeconds(20));
        Assert.Equal(0, stopped.Containers.Single().ExitCode);
    }

    [Fact]
    public async Task Containers_are_adopted_by_their_labels_even_when_the_state_file_is_lost()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var web = TestTasks.Assignment("labels", "bridge", TestTasks.Web());
        var webId = (await h.RunUntilAsync(web, "RUNNING")).Containers.Single().RuntimeId!;

        await h.StopAgentAsync();
        File.Delete(Path.Combine(h.DataDirectory, "agent-state.json")); // as if the agent died before writing it
        var reportsBefore = h.Server.Reports.Count;
        await h.StartAgentAsync();

        var caughtUp = await h.Server.WaitForReportAsync(web.Task.TaskArn!, r => r.LastStatus == "RUNNING", TimeSpan.FromSeconds(20), reportsBefore);
        Assert.Equal(webId, caughtUp.Containers.Single().RuntimeId);
        Assert.Single(await DockerEnvironment.Client.Containers.ListContainersAsync(new global::Docker.DotNet.Models.ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = new Dictionary<string, bool> { [$"org.berth.agent={h.Namespace}"] = true } },
        }));
    }
}
