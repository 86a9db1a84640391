using Berth.Core.Cleanup;
using Berth.Core.Ecs;
using Berth.Core.Elb;
using Berth.Core.Errors;
using Berth.Core.Networking;
using EcsLoadBalancer = Berth.Core.Ecs.LoadBalancer;
using ElbLoadBalancer = Berth.Core.Elb.LoadBalancer;

namespace Berth.Core.Tests.Cleanup;

public class CleanupRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 10, 12, 0, 0, TimeSpan.Zero);
    private const string Ecs = "arn:aws:ecs:us-east-1:000000000000";
    private const string Elb = "arn:aws:elasticloadbalancing:us-east-1:000000000000";

    private static readonly CleanupSnapshot Empty = new([], [], [], [], [], [], [], new HashSet<string>());

    private static IReadOnlyList<Leftover> Find(CleanupSnapshot snapshot, CleanupPolicy? policy = null) => CleanupRules.Find(snapshot, Now, policy ?? new CleanupPolicy());

    private static Service Service(string name, int desired, DateTimeOffset updated, string? targetGroup = null) => new()
    {
        ServiceArn = $"{Ecs}:service/demo/{name}",
        Status = "ACTIVE",
        DesiredCount = desired,
        RunningCount = 0,
        CreatedAt = updated.AddDays(-30),
        Deployments = [new Deployment { CreatedAt = updated.AddDays(-1), UpdatedAt = updated }],
        LoadBalancers = targetGroup is null ? null : [new EcsLoadBalancer { TargetGroupArn = targetGroup }],
    };

    private static TargetGroupRecord Group(string name, string? balancer, params RegisteredTarget[] targets) => new(
        new TargetGroup { TargetGroupArn = $"{Elb}:targetgroup/{name}/1", LoadBalancerArns = balancer is null ? [] : [balancer] },
        new Dictionary<string, string>(), targets, []);

    private static RegisteredTarget Target(DateTimeOffset? drainingUntil = null) => new("10.0.0.5", 80, null, Now.AddDays(-1)) { DrainingUntil = drainingUntil };

    [Fact]
    public void A_service_at_zero_counts_once_its_last_change_is_the_idle_days_old()
    {
        var snapshot = Empty with
        {
            Services = [Service("old", 0, Now.AddDays(-7)), Service("recent", 0, Now.AddDays(-6)), Service("busy", 2, Now.AddDays(-30))],
        };

        var leftover = Assert.Single(Find(snapshot));
        Assert.Equal((LeftoverKinds.Service, $"{Ecs}:service/demo/old"), (leftover.Kind, leftover.Resource));
        Assert.Contains("desired count 0 since 2026-12-03 12:00", leftover.Reason, StringComparison.Ordinal);
        Assert.StartsWith("DeleteService", leftover.Action, StringComparison.Ordinal);
        Assert.Equal(2, Find(snapshot, new CleanupPolicy(IdleDays: 0)).Count);
    }

    [Fact]
    public void Draining_and_inactive_services_are_not_reported()
    {
        var snapshot = Empty with
        {
            Services = [Service("a", 0, Now.AddDays(-30)) with { Status = "DRAINING" }, Service("b", 0, Now.AddDays(-30)) with { Status = "INACTIVE" }],
        };

        Assert.Empty(Find(snapshot));
    }

    [Fact]
    public void Only_inactive_task_definition_revisions_count()
    {
        var snapshot = Empty with
        {
            TaskDefinitions =
            [
                new TaskDefinition { TaskDefinitionArn = $"{Ecs}:task-definition/web:1", Family = "web", Revision = 1, Status = "INACTIVE" },
                new TaskDefinition { TaskDefinitionArn = $"{Ecs}:task-definition/web:2", Family = "web", Revision = 2, Status = "ACTIVE" },
                new TaskDefinition { TaskDefinitionArn = $"{Ecs}:task-definition/web:3", Family = "web", Revision = 3, Status = "DELETE_IN_PROGRESS" },
            ],
        };

        var leftover = Assert.Single(Find(snapshot));
        Assert.Equal((LeftoverKinds.TaskDefinition, $"{Ecs}:task-definition/web:1"), (leftover.Kind, leftover.Resource));
    }

    [Fact]
    public void Empty_target_groups_and_load_balancers_count_unless_a_live_service_fills_them()
    {
        var balancer = $"{Elb}:loadbalancer/app/lb/1";
        var idle = $"{Elb}:loadbalancer/app/idle/2";
        var snapshot = Empty with
        {
            LoadBalancers = [new ElbLoadBalancer { LoadBalancerArn = balancer }, new ElbLoadBalancer { LoadBalancerArn = idle }],
            TargetGroups =
            [
                Group("full", balancer, Target()),
                Group("drained", idle, Target(drainingUntil: Now.AddMinutes(-1))),
                Group("orphan", null),
                Group("starting", null),
            ],
            Services = [Service("web", 2, Now.AddDays(-30), targetGroup: $"{Elb}:targetgroup/starting/1")],
        };

        var found = Find(snapshot).Select(l => (l.Kind, l.Resource, HasAction: l.Action is not null)).ToList();

        Assert.Equal(
        [
            (LeftoverKinds.LoadBalancer, idle, true),
            (LeftoverKinds.TargetGroup, $"{Elb}:targetgroup/drained/1", false),
            (LeftoverKinds.TargetGroup, $"{Elb}:targetgroup/orphan/1", true),
        ], found);
    }

    [Fact]
    public void A_target_still_draining_keeps_its_group()
    {
        var snapshot = Empty with { TargetGroups = [Group("draining", null, Target(drainingUntil: Now.AddMinutes(1)))] };

        Assert.Empty(Find(snapshot));
    }

    [Fact]
    public void Log_groups_without_retention_count_with_their_size_and_the_retention_apply_gives()
    {
        var snapshot = Empty with { LogGroups = [new CleanupLogGroup("/ecs/web", null, 123_456), new CleanupLogGroup("/ecs/kept", 14, 999)] };

        var leftover = Assert.Single(Find(snapshot, new CleanupPolicy(RetentionDays: 90)));
        Assert.Equal((LeftoverKinds.LogGroup, "/ecs/web", 123_456L), (leftover.Kind, leftover.Resource, leftover.Bytes));
        Assert.StartsWith("PutRetentionPolicy 90 days", leftover.Action, StringComparison.Ordinal);
    }

    [Fact]
    public void Disconnected_instances_and_empty_draining_ones_count()
    {
        CleanupInstance Instance(string id, string status, bool connected, int tasks) =>
            new($"{Ecs}:container-instance/demo/{id}", $"{Ecs}:cluster/demo", status, connected, Now.AddMinutes(-90), tasks);
        var snapshot = Empty with
        {
            Instances =
            [
                Instance("gone", "ACTIVE", connected: false, tasks: 1),
                Instance("drained", "DRAINING", connected: true, tasks: 0),
                Instance("draining", "DRAINING", connected: true, tasks: 1),
                Instance("live", "ACTIVE", connected: true, tasks: 0),
            ],
        };

        var found = Find(snapshot);

        Assert.Equal([$"{Ecs}:container-instance/demo/drained", $"{Ecs}:container-instance/demo/gone"], found.Select(l => l.Resource));
        Assert.Equal("DRAINING with no task left", found[0].Reason);
        Assert.Equal("agent disconnected since 2026-12-10 10:30 (90 minutes), 1 task(s) on it", found[1].Reason);
    }

    [Fact]
    public void Containers_holding_addresses_for_tasks_the_server_does_not_know_are_reported_without_an_action()
    {
        var instance = $"{Ecs}:container-instance/demo/i1";
        var snapshot = Empty with
        {
            Attachments =
            [
                new EngineAttachments(instance,
                [
                    new AttachedAddress("subnet-1", "10.0.0.5", $"{Ecs}:task/demo/known"),
                    new AttachedAddress("subnet-1", "10.0.0.6", $"{Ecs}:task/old/unknown"),
                    new AttachedAddress("subnet-2", "10.1.0.6", $"{Ecs}:task/old/unknown"),
                    new AttachedAddress("subnet-1", "10.0.0.7", null),
                ]),
            ],
            KnownTaskArns = new HashSet<string> { $"{Ecs}:task/demo/known" },
        };

        var leftover = Assert.Single(Find(snapshot));
        Assert.Equal((LeftoverKinds.Containers, $"{Ecs}:task/old/unknown", (string?)null), (leftover.Kind, leftover.Resource, leftover.Action));
        Assert.Contains("10.0.0.6 (subnet-1), 10.1.0.6 (subnet-2)", leftover.Reason, StringComparison.Ordinal);
        Assert.Contains($"docker rm -f $(docker ps -aq --filter label=com.amazonaws.ecs.task-arn={Ecs}:task/old/unknown)", leftover.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Containers_of_tasks_the_server_does_not_know_are_reported_once_per_task_with_or_without_addresses()
    {
        var instance = $"{Ecs}:container-instance/demo/i1";
        var snapshot = Empty with
        {
            Attachments =
            [
                new EngineAttachments(instance, [new AttachedAddress("subnet-1", "10.0.0.6", $"{Ecs}:task/old/awsvpc")],
                    [$"{Ecs}:task/demo/known", $"{Ecs}:task/old/awsvpc", $"{Ecs}:task/old/bridge"]),
            ],
            KnownTaskArns = new HashSet<string> { $"{Ecs}:task/demo/known" },
        };

        var found = Find(snapshot);

        Assert.Equal([$"{Ecs}:task/old/awsvpc", $"{Ecs}:task/old/bridge"], found.Select(l => l.Resource));
        Assert.Contains("hold 10.0.0.6 (subnet-1)", found[0].Reason, StringComparison.Ordinal);
        Assert.StartsWith($"on {instance}: containers of a task this server does not know; remove them there with: docker rm -f", found[1].Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1, null)]
    [InlineData(null, 10)]
    public void A_policy_outside_the_allowed_values_is_refused(int? idleDays, int? retentionDays) =>
        Assert.Throws<ValidationException>(() => CleanupPolicy.Of(idleDays, retentionDays));

    [Fact]
    public void The_default_policy_is_a_week_idle_and_thirty_days_of_retention() =>
        Assert.Equal(new CleanupPolicy(7, 30), CleanupPolicy.Of(null, null));
}
