using Berth.Agent.Tests.Support;
using Berth.Core.Ecs;
using Xunit.Abstractions;
using EcsUlimit = Berth.Core.Ecs.Ulimit;

namespace Berth.Agent.Tests.Docker;

/// <summary>The Docker engine accepts what the agent makes of a container definition, and the container sees it.</summary>
public sealed class ContainerCreationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Definition_settings_links_and_volumes_reach_the_Docker_containers()
    {
        await using var h = await AgentHarness.StartAsync(output);
        var hostDir = Path.Combine(h.DataDirectory, "shared");
        Directory.CreateDirectory(hostDir);
        var task = TestTasks.Assignment("full", "bridge",
            [
                new Volume { Name = "out", Host = new HostVolumeProperties { SourcePath = hostDir } },
                new Volume { Name = "scratch", Host = new HostVolumeProperties() },
            ],
            TestTasks.Web("db") with
            {
                Cpu = 256,
                MemoryReservation = 32,
                Hostname = "database-host",
                User = "0",
                WorkingDirectory = "/tmp",
                ReadonlyRootFilesystem = true,
                DnsServers = ["10.0.0.2"],
                ExtraHosts = [new HostEntry { Hostname = "extra.local", IpAddress = "10.1.2.3" }],
                Ulimits = [new EcsUlimit { Name = "nofile", SoftLimit = 1024, HardLimit = 2048 }],
                LinuxParameters = new LinuxParameters { InitProcessEnabled = true },
                DockerLabels = new Dictionary<string, string> { ["team"] = "berth" },
                Environment = [new Berth.Core.Ecs.KeyValuePair { Name = "MESSAGE", Value = "from-definition" }],
                MountPoints = [new MountPoint { SourceVolume = "scratch", ContainerPath = "/scratch" }],
            },
            TestTasks.Tools("app", """
                wget -q -O /out/page.txt http://database/ && echo "$GREETING" > /out/greeting.txt && echo hi > /scratch/x && exec sleep 1000
                """) with
            {
                Links = ["db:database"],
                VolumesFrom = [new VolumeFrom { SourceContainer = "db" }],
                MountPoints = [new MountPoint { SourceVolume = "out", ContainerPath = "/out" }],
                Environment = [new Berth.Core.Ecs.KeyValuePair { Name = "GREETING", Value = "hello" }],
                StopTimeout = 1,
            });
        task = task with
        {
            Task = task.Task with
            {
                Overrides = new TaskOverride
                {
                    ContainerOverrides = [new ContainerOverride { Name = "db", Environment = [new Berth.Core.Ecs.KeyValuePair { Name = "MESSAGE", Value = "from-override" }] }],
                },
            },
        };

        var running = await h.RunUntilAsync(task, "RUNNING");
        var db = await DockerEnvironment.Client.Containers.InspectContainerAsync(running.Containers.Single(c => c.Name == "db").RuntimeId!);
        var app = await DockerEnvironment.Client.Containers.InspectContainerAsync(running.Containers.Single(c => c.Name == "app").RuntimeId!);

        Assert.Equal(256, db.HostConfig!.CPUShares);
        Assert.Equal(32L * 1024 * 1024, db.HostConfig!.MemoryReservation);
        Assert.Equal("database-host", db.Config!.Hostname);
        Assert.Equal("0", db.Config!.User);
        Assert.Equal("/tmp", db.Config!.WorkingDir);
        Assert.True(db.HostConfig!.ReadonlyRootfs);
        Assert.Equal(["10.0.0.2"], db.HostConfig!.DNS);
        Assert.Equal(["extra.local:10.1.2.3"], db.HostConfig!.ExtraHosts);
        var nofile = Assert.Single(db.HostConfig!.Ulimits!);
        Assert.Equal(("nofile", 1024L, 2048L), (nofile.Name, nofile.Soft, nofile.Hard));
        Assert.True(db.HostConfig!.Init);
        Assert.Equal("berth", db.Config!.Labels!["team"]);
        Assert.Contains("MESSAGE=from-override", db.Config!.Env!);
        Assert.Contains(app.HostConfig!.Links!, l => l.EndsWith("/database", StringComparison.Ordinal));
        Assert.Equal([db.Name.TrimStart('/')], app.HostConfig!.VolumesFrom);

        // The app reached db through the link alias and wrote through the host bind mount.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!File.Exists(Path.Combine(hostDir, "greeting.txt")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }
        Assert.Equal("hello\n", await File.ReadAllTextAsync(Path.Combine(hostDir, "greeting.txt")));
        Assert.Contains("message: from-override", await File.ReadAllTextAsync(Path.Combine(hostDir, "page.txt")), StringComparison.Ordinal);

        // host {} without a sourcePath became a Docker volume of the task, removed with the task.
        var volumeName = db.Mounts!.Single(m => m.Destination == "/scratch").Name;
        Assert.StartsWith("ecs-full-1-scratch-", volumeName, StringComparison.Ordinal);
        h.Server.Unassign(task.Task.TaskArn!);
        await Waits.UntilContainerGoneAsync(db.ID);
        await Waits.UntilContainerGoneAsync(app.ID);
        var volumes = await DockerEnvironment.Client.Volumes.ListAsync(CancellationToken.None);
        for (var i = 0; i < 50 && volumes.Volumes!.Any(v => v.Name == volumeName); i++)
        {
            await Task.Delay(100);
            volumes = await DockerEnvironment.Client.Volumes.ListAsync(CancellationToken.None);
        }
        Assert.DoesNotContain(volumes.Volumes!, v => v.Name == volumeName);
    }
}
