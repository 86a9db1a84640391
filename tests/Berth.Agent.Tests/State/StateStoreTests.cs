using System.Text.Json.Nodes;
using Berth.Agent.State;
using Berth.Agent.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Agent.Tests.State;

public sealed class StateStoreTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "berth-state-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task State_survives_a_reopen_and_is_written_whole()
    {
        var store = StateStore.Open(_dir, NullLogger<StateStore>.Instance);
        var instanceId = store.Snapshot().InstanceId;
        Assert.Matches("^i-[0-9a-f]{17}$", instanceId);
        var assignment = TestTasks.Assignment("f", "bridge", TestTasks.Web());
        store.SetRegistration("arn:aws:ecs:us-east-1:000000000000:container-instance/default/abc", "default");
        store.PutTask(assignment.Task.TaskArn!, new TaskRecord
        {
            Assignment = assignment,
            KnownStatus = "RUNNING",
            StartedAt = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000),
            Containers = [new ContainerRecord { Name = "web", RuntimeId = "abc123", MetadataToken = "tok", Phase = "Running", EverStarted = true }],
        });
        await store.FlushAsync(CancellationToken.None);

        Assert.False(File.Exists(Path.Combine(_dir, StateStore.FileName + ".tmp")));
        var reopened = StateStore.Open(_dir, NullLogger<StateStore>.Instance).Snapshot();
        Assert.Equal(instanceId, reopened.InstanceId);
        Assert.Equal("default", reopened.Cluster);
        var task = reopened.Tasks[assignment.Task.TaskArn!];
        Assert.Equal("RUNNING", task.KnownStatus);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1_700_000_000), task.StartedAt);
        Assert.Equal("abc123", task.Containers.Single().RuntimeId);
        Assert.Equal(assignment.TaskDefinition.ContainerDefinitions![0].Image, task.Assignment.TaskDefinition.ContainerDefinitions![0].Image);
    }

    [Fact]
    public async Task Finished_tasks_are_forgotten_but_remembered_as_finished()
    {
        var store = StateStore.Open(_dir, NullLogger<StateStore>.Instance);
        var assignment = TestTasks.Assignment("f", "bridge", TestTasks.Web());
        store.PutTask("t", new TaskRecord { Assignment = assignment, KnownStatus = "STOPPED", Containers = [] });
        store.FinishTask("t", DateTimeOffset.UtcNow);
        await store.FlushAsync(CancellationToken.None);

        var reopened = StateStore.Open(_dir, NullLogger<StateStore>.Instance);
        Assert.Empty(reopened.Snapshot().Tasks);
        Assert.True(reopened.IsFinished("t"));
    }

    [Fact]
    public async Task A_file_from_an_older_agent_with_members_no_longer_kept_still_loads()
    {
        var store = StateStore.Open(_dir, NullLogger<StateStore>.Instance);
        var assignment = TestTasks.Assignment("f", "bridge", TestTasks.Web());
        store.PutTask("t", new TaskRecord
        {
            Assignment = assignment,
            KnownStatus = "RUNNING",
            Containers = [new ContainerRecord { Name = "web", RuntimeId = "abc123", MetadataToken = "tok", Phase = "Running" }],
        });
        await store.FlushAsync(CancellationToken.None);
        var path = Path.Combine(_dir, StateStore.FileName);
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        document["tasks"]!["t"]!["lastReportedStatus"] = "RUNNING";
        document["tasks"]!["t"]!["containers"]![0]!["lastReportedStatus"] = "RUNNING";
        File.WriteAllText(path, document.ToJsonString());

        var reopened = StateStore.Open(_dir, NullLogger<StateStore>.Instance).Snapshot();

        Assert.Equal("abc123", reopened.Tasks["t"].Containers.Single().RuntimeId);
        Assert.DoesNotContain(Directory.GetFiles(_dir), f => f.Contains(".corrupt-", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unreadable_state_file_is_moved_aside()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, StateStore.FileName), "{ not json");
        var store = StateStore.Open(_dir, NullLogger<StateStore>.Instance);
        Assert.Empty(store.Snapshot().Tasks);
        Assert.Single(Directory.GetFiles(_dir, StateStore.FileName + ".corrupt-*"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }
}
