using Berth.Core.Ecs;
using Berth.Core.Scheduling;
using Berth.Core.Tasks;

namespace Berth.Core.Tests.Scheduling;

public class SchedulerWakeTests
{
    private const string Cluster = "arn:aws:ecs:us-east-1:000000000000:cluster/prod";

    [Theory]
    [InlineData("service:web", TaskStatuses.Running, false, "arn:aws:ecs:us-east-1:000000000000:service/prod/web")]
    [InlineData("service:web", TaskStatuses.Pending, false, "arn:aws:ecs:us-east-1:000000000000:service/prod/web")]
    [InlineData("daemon:logs", TaskStatuses.Running, false, "arn:aws:ecs:us-east-1:000000000000:daemon/prod/logs")]
    // A stopped task gave room back, which any service or daemon may be waiting for: every round, its own included.
    [InlineData("service:web", TaskStatuses.Stopped, true, null)]
    [InlineData("daemon:logs", TaskStatuses.Stopped, true, null)]
    [InlineData("family:job", TaskStatuses.Stopped, true, null)]
    // A standalone task on its way to RUNNING concerns no scheduler.
    [InlineData("family:job", TaskStatuses.Running, false, null)]
    [InlineData(null, TaskStatuses.Running, false, null)]
    public void A_changed_task_wakes_its_owner_or_every_round_when_it_stopped(string? group, string status, bool everything, string? subject)
    {
        var wake = SchedulerWake.Of(new EcsTask { ClusterArn = Cluster, Group = group, LastStatus = status });

        Assert.Equal(new SchedulerWake(everything, subject), wake);
    }
}
