using Berth.Agent.Networking;
using Berth.Agent.Tests.Support;

namespace Berth.Agent.Tests.Networking;

/// <summary>The pause image and subnet network are checked with Docker once per agent, not once per task.</summary>
public sealed class SandboxPrerequisitesTests
{
    private static readonly Dictionary<string, string> Labels = new() { [TaskSandbox.SubnetLabel] = "subnet-a" };

    private readonly FakeDocker _docker = new();

    [Fact]
    public async Task A_ready_image_and_network_are_checked_once()
    {
        var prerequisites = new SandboxPrerequisites(_docker, TimeSpan.FromSeconds(30));

        for (var task = 0; task < 3; task++)
        {
            Assert.Null(await prerequisites.EnsureImageAsync(TestTasks.PauseImage, CancellationToken.None));
            await prerequisites.EnsureNetworkAsync("berth-subnet-a", "10.0.1.0/24", "10.0.1.1", Labels, CancellationToken.None);
        }

        Assert.Equal([$"pull {TestTasks.PauseImage}", "network berth-subnet-a"], _docker.Actions);
    }

    [Fact]
    public async Task A_missing_image_is_not_remembered()
    {
        var prerequisites = new SandboxPrerequisites(_docker, TimeSpan.FromSeconds(30));

        Assert.NotNull(await prerequisites.EnsureImageAsync("berth/missing:1", CancellationToken.None));
        Assert.NotNull(await prerequisites.EnsureImageAsync("berth/missing:1", CancellationToken.None));

        Assert.Equal(["pull berth/missing:1", "pull berth/missing:1"], _docker.Actions);
    }

    [Fact]
    public async Task After_forget_the_next_task_checks_again()
    {
        var prerequisites = new SandboxPrerequisites(_docker, TimeSpan.FromSeconds(30));
        Assert.Null(await prerequisites.EnsureImageAsync(TestTasks.PauseImage, CancellationToken.None));
        await prerequisites.EnsureNetworkAsync("berth-subnet-a", "10.0.1.0/24", "10.0.1.1", Labels, CancellationToken.None);

        prerequisites.Forget();
        Assert.Null(await prerequisites.EnsureImageAsync(TestTasks.PauseImage, CancellationToken.None));
        await prerequisites.EnsureNetworkAsync("berth-subnet-a", "10.0.1.0/24", "10.0.1.1", Labels, CancellationToken.None);

        Assert.Equal(2, _docker.Actions.Count(a => a == $"pull {TestTasks.PauseImage}"));
        Assert.Equal(2, _docker.Actions.Count(a => a == "network berth-subnet-a"));
    }
}
