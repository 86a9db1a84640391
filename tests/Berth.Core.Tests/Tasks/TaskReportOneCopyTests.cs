using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;
using Berth.Core.State;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Tasks;

/// <summary>
/// <see cref="TaskStateChanges.ApplyReport"/> builds the reported task in one copy; it must answer exactly as the
/// step-by-step rule it replaced (kept here as the reference) for any task and report. The containers' rule did not
/// change, so the reference applies it as the product does.
/// </summary>
public class TaskReportOneCopyTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private static readonly string[] Statuses =
        [TaskStatuses.Provisioning, TaskStatuses.Pending, TaskStatuses.Activating, TaskStatuses.Running, TaskStatuses.Deactivating, TaskStatuses.Stopping, TaskStatuses.Stopped];

    private static T? Maybe<T>(Random random, T value) where T : class => random.Next(2) == 0 ? null : value;

    private static DateTimeOffset? MaybeTime(Random random) => random.Next(2) == 0 ? null : Now.AddSeconds(-random.Next(1, 100));

    private static EcsTask RandomTask(Random random) => new()
    {
        TaskArn = "arn:aws:ecs:us-east-1:123456789012:task/default/a",
        LastStatus = Statuses[random.Next(Statuses.Length)],
        DesiredStatus = random.Next(2) == 0 ? TaskStatuses.Running : TaskStatuses.Stopped,
        Version = random.Next(1, 5),
        StartedAt = MaybeTime(random),
        StoppingAt = MaybeTime(random),
        PullStartedAt = MaybeTime(random),
        StoppedReason = Maybe(random, "asked"),
        StopCode = Maybe(random, "UserInitiated"),
        HealthStatus = Maybe(random, "UNKNOWN"),
        Containers = [.. new[] { "web", "log" }.Take(random.Next(3)).Select(name => new Container
        {
            Name = name,
            LastStatus = Statuses[random.Next(Statuses.Length)],
            HealthStatus = Maybe(random, "HEALTHY"),
        })],
        Attachments = random.Next(2) == 0 ? null : [new Attachment { Id = "eni", Type = "ElasticNetworkInterface", Status = "ATTACHED" }],
    };

    private static AgentTaskReport RandomReport(Random random) => new()
    {
        ContainerInstanceArn = "i",
        TaskArn = "arn:aws:ecs:us-east-1:123456789012:task/default/a",
        LastStatus = Statuses[random.Next(Statuses.Length)],
        StartedAt = MaybeTime(random),
        PullStartedAt = MaybeTime(random),
        PullStoppedAt = MaybeTime(random),
        ExecutionStoppedAt = MaybeTime(random),
        StoppedReason = Maybe(random, "Essential container in task exited"),
        StopCode = Maybe(random, "EssentialContainerExited"),
        Containers = [.. new[] { "web", "log" }.Take(random.Next(3)).Select(name => new ContainerReport
        {
            Name = name,
            LastStatus = Statuses[random.Next(Statuses.Length)],
            ExitCode = random.Next(3) == 0 ? random.Next(2) : null,
            HealthStatus = Maybe(random, random.Next(2) == 0 ? "HEALTHY" : "UNHEALTHY"),
        })],
    };

    [Fact]
    public void One_copy_answers_as_the_step_by_step_rule_for_random_tasks_and_reports()
    {
        var random = new Random(21);
        var unchanged = 0;
        for (var i = 0; i < 3_000; i++)
        {
            var task = RandomTask(random);
            var report = RandomReport(random);

            var expected = Reference(task, report, Now);
            var actual = TaskStateChanges.ApplyReport(task, report, Now);

            Assert.True(JsonScratch.SameJson(expected, actual, StateJsonContext.Default.EcsTask), $"case {i}");
            Assert.Equal(ReferenceEquals(expected, task), ReferenceEquals(actual, task));
            unchanged += ReferenceEquals(actual, task) ? 1 : 0;
        }
        // Both outcomes occur, so the comparison covers reports that change nothing as well as those that do.
        Assert.InRange(unchanged, 10, 2_990);
    }

    /// <summary>The rule as it was written before: a copy of the task per step, and the whole comparison every time.</summary>
    private static EcsTask Reference(EcsTask task, AgentTaskReport report, DateTimeOffset now)
    {
        var containers = (task.Containers ?? []).Select(c => TaskStateChanges.ApplyContainer(c, report.Containers.FirstOrDefault(r => r.Name == c.Name), now)).ToList();
        var reported = containers.Select(c => c.HealthStatus).Where(h => h is "HEALTHY" or "UNHEALTHY").ToList();
        var next = task with
        {
            Containers = containers,
            PullStartedAt = task.PullStartedAt ?? report.PullStartedAt,
            PullStoppedAt = task.PullStoppedAt ?? report.PullStoppedAt,
            HealthStatus = reported.Count == 0 ? task.HealthStatus : reported.Contains("UNHEALTHY") ? "UNHEALTHY" : "HEALTHY",
        };
        if (TaskStatuses.IsAfter(report.LastStatus, task.LastStatus!))
        {
            next = next with { LastStatus = report.LastStatus };
            if (report.LastStatus == TaskStatuses.Running)
            {
                next = next with { StartedAt = report.StartedAt ?? now, Connectivity = "CONNECTED", ConnectivityAt = now };
            }
            if (report.LastStatus == TaskStatuses.Stopped)
            {
                next = next with
                {
                    DesiredStatus = TaskStatuses.Stopped,
                    StartedAt = task.StartedAt ?? report.StartedAt,
                    StoppedAt = now,
                    StoppingAt = task.StoppingAt ?? now,
                    ExecutionStoppedAt = report.ExecutionStoppedAt ?? now,
                    StoppedReason = task.StoppedReason ?? report.StoppedReason,
                    StopCode = task.StopCode ?? report.StopCode,
                    Attachments = EniAttachment.Deleted(task.Attachments),
                };
            }
        }
        return JsonScratch.SameJson(task, next, StateJsonContext.Default.EcsTask) ? task : next with { Version = (task.Version ?? 0) + 1 };
    }
}
