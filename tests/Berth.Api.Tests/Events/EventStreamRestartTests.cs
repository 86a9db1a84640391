using System.Globalization;
using Berth.Api.Tests.Ecs;

namespace Berth.Api.Tests.Events;

/// <summary>The event log is a file beside the state: a new server on the same data directory resumes the same ids.</summary>
public sealed class EventStreamRestartTests : IDisposable
{
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), $"berth-events-{Guid.NewGuid():N}");

    [Fact]
    public async Task Last_Event_ID_resumes_after_a_restart_on_the_same_data_directory()
    {
        long seen;
        string taskArn;
        await using (var first = await RunningServer.StartAsync(_dataDirectory))
        {
            var ecs = first.Client("eu-west-1");
            await ecs.OkAsync("CreateCluster", new { clusterName = "kept" });
            await ClusterCapacity.RegisterWebAsync(ecs, "web", cpu: 10, memory: 10);
            await ClusterCapacity.RegisterInstanceAsync(ecs, "kept", "i-kept");
            taskArn = (string)(await ecs.OkAsync("RunTask", new { cluster = "kept", taskDefinition = "web" }))["tasks"]![0]!["taskArn"]!;
            await using var stream = await EventStream.OpenAsync(first.Http, "?cluster=" + Uri.EscapeDataString(ecs.ClusterArn("kept")));
            seen = Assert.Single(await stream.ReadAsync(1)).Id;
            await ecs.OkAsync("StopTask", new { cluster = "kept", task = taskArn });
        }

        await using var second = await RunningServer.StartAsync(_dataDirectory);
        await using var resumed = await EventStream.OpenAsync(second.Http, "", lastEventId: seen.ToString(CultureInfo.InvariantCulture));
        var stopRequested = Assert.Single(await resumed.ReadAsync(1));
        Assert.Equal("PENDING/STOPPED", stopRequested.Statuses);
        Assert.Equal(taskArn, (string?)stopRequested.Detail["taskArn"]);
        Assert.True(stopRequested.Id > seen);
    }

    public void Dispose() => Directory.Delete(_dataDirectory, recursive: true);
}
