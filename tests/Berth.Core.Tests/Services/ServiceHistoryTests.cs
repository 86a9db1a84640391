using Berth.Core.Alarms;
using Berth.Core.CloudWatch;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.Services;
using Berth.Core.State;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

public class ServiceHistoryTests
{
    private const string Prefix = "arn:aws:ecs:us-east-1:123456789012";
    private static readonly string OldRevision = ServiceHistory.RevisionArn(ServiceArn, DepOld);
    private static readonly string OldServiceDeployment = ServiceHistory.DeploymentArn(ServiceArn, DepOld);
    private static readonly DeploymentLink OldLink = new(DepOld, OldServiceDeployment, OldRevision);

    private static ServiceHistory.Changes Sync(Service service, IReadOnlyList<DeploymentLink>? links = null, params ServiceDeployment[] known) =>
        Sync(service, links, [], known);

    private static ServiceHistory.Changes Sync(
        Service service, IReadOnlyList<DeploymentLink>? links, IReadOnlyList<AlarmTrigger> triggers, params ServiceDeployment[] known) =>
        ServiceHistory.Sync(service, links ?? [], known.ToDictionary(k => k.ServiceDeploymentArn!),
            definition => [new ContainerImage { ContainerName = "web", Image = definition.EndsWith(":2", StringComparison.Ordinal) ? "nginx:2" : "nginx:1" }], T0,
            alarmTriggers: triggers);

    /// <summary>A service that completed DepOld and now deploys DepNew, with the history Sync gave it.</summary>
    private static (Service Service, IReadOnlyList<DeploymentLink> Links, ServiceDeployment Deployment) Deploying(bool breaker = false, bool rollback = false)
    {
        var created = Sync(Replica(2, Deployment(DepOld)));
        var service = Replica(2, NewPrimary() with { DesiredCount = 2 }, OldActive() with { DesiredCount = 2, RunningCount = 2 });
        service = breaker ? service.WithCircuitBreaker(rollback) : service;
        var changes = Sync(service, created.Links, created.Deployments[0]);
        return (service, changes.Links, changes.Deployments.Single(d => d.ServiceDeploymentArn != OldServiceDeployment));
    }

    [Fact]
    public void Arns_name_the_cluster_and_service_and_an_id_like_ecs()
    {
        Assert.Equal($"{Prefix}:service-revision/default/web/1111111111111111111", OldRevision);
        Assert.Matches($"^{Prefix}:service-deployment/default/web/[A-Za-z0-9_-]{{22}}$", OldServiceDeployment);
        Assert.Equal(ServiceArn, ServiceHistory.ServiceArnOf(OldRevision));
        Assert.Equal(ServiceArn, ServiceHistory.ServiceArnOf(OldServiceDeployment));
        Assert.Null(ServiceHistory.ServiceArnOf($"{Prefix}:service-deployment/web"));
        Assert.Null(ServiceHistory.ServiceArnOf(ServiceArn));
    }

    [Fact]
    public void A_new_service_captures_its_first_revision_and_a_deployment_without_sources()
    {
        var service = Replica(2, NewPrimary() with { DesiredCount = 2, LaunchType = "EC2" });

        var changes = Sync(service);

        var revision = Assert.Single(changes.Revisions);
        Assert.Equal((ServiceHistory.RevisionArn(ServiceArn, DepNew), TaskDefV2, "EC2", ServiceArn),
            (revision.ServiceRevisionArn, revision.TaskDefinition, revision.LaunchType, revision.ServiceArn));
        Assert.Equal("nginx:2", Assert.Single(revision.ContainerImages!).Image);
        var deployment = Assert.Single(changes.Deployments);
        Assert.Equal((ServiceHistory.InProgress, LongAgo, LongAgo), (deployment.Status, deployment.CreatedAt, deployment.StartedAt));
        Assert.Empty(deployment.SourceServiceRevisions!);
        Assert.Equal((revision.ServiceRevisionArn, 2), (deployment.TargetServiceRevision!.Arn, deployment.TargetServiceRevision.RequestedTaskCount));
        Assert.Equal([new DeploymentLink(DepNew, deployment.ServiceDeploymentArn!, revision.ServiceRevisionArn!)], changes.Links);
    }

    [Fact]
    public void An_update_deploys_from_the_running_revision_to_a_new_one()
    {
        var (_, links, deployment) = Deploying();

        var source = Assert.Single(deployment.SourceServiceRevisions!);
        Assert.Equal((OldRevision, 2, 2), (source.Arn, source.RequestedTaskCount, source.RunningTaskCount));
        Assert.Equal(ServiceHistory.RevisionArn(ServiceArn, DepNew), deployment.TargetServiceRevision!.Arn);
        Assert.Equal(2, links.Count);
    }

    [Fact]
    public void The_service_names_its_current_deployment_and_the_revisions_it_runs()
    {
        var (service, links, deployment) = Deploying();

        var current = ServiceHistory.WithCurrent(service, links);

        Assert.Equal(deployment.ServiceDeploymentArn, current.CurrentServiceDeployment);
        Assert.Equal([(OldRevision, 2, 2), (deployment.TargetServiceRevision!.Arn!, 2, 0)],
            current.CurrentServiceRevisions!.Select(r => (r.Arn!, r.RequestedTaskCount ?? -1, r.RunningTaskCount ?? -1)));
    }

    [Fact]
    public void Nothing_is_written_while_nothing_changed()
    {
        var (service, links, deployment) = Deploying();
        var old = Sync(Replica(2, Deployment(DepOld))).Deployments[0] with { Status = ServiceHistory.Successful };

        var changes = Sync(service, links, deployment, old);

        Assert.Empty(changes.Deployments);
        Assert.Empty(changes.Revisions);
    }

    [Fact]
    public void A_completed_rollout_is_successful()
    {
        var (_, links, deployment) = Deploying();
        var done = Replica(2, NewPrimary() with { RolloutState = RolloutStates.Completed, RolloutStateReason = ServiceRules.CompletedReason(DepNew), RunningCount = 2 });

        var finished = Assert.Single(Sync(done, links, deployment).Deployments);

        Assert.Equal((ServiceHistory.Successful, T0, (DateTimeOffset?)null), (finished.Status, finished.FinishedAt, finished.StoppedAt));
        Assert.Equal(ServiceRules.CompletedReason(DepNew), finished.StatusReason);
        Assert.Equal(2, finished.TargetServiceRevision!.RunningTaskCount);
    }

    [Fact]
    public void A_deployment_replaced_before_it_finished_is_stopped()
    {
        var (service, links, deployment) = Deploying();
        var third = NewPrimary() with { Id = "ecs-svc/3333333333333333333", CreatedAt = T0 };
        var replaced = service with { Deployments = [third, service.Deployments![0] with { Status = DeploymentStatuses.Active }, service.Deployments[1]] };

        var changes = Sync(replaced, links, deployment);

        var stopped = changes.Deployments.Single(d => d.ServiceDeploymentArn == deployment.ServiceDeploymentArn);
        Assert.Equal((ServiceHistory.Stopped, ServiceHistory.SupersededReason, T0), (stopped.Status, stopped.StatusReason, stopped.StoppedAt));
        var next = changes.Deployments.Single(d => d.ServiceDeploymentArn != deployment.ServiceDeploymentArn);
        Assert.Equal([OldRevision, deployment.TargetServiceRevision!.Arn], next.SourceServiceRevisions!.Select(s => s.Arn));
    }

    [Fact]
    public void A_failure_without_rollback_stops_the_deployment_with_the_breaker_triggered()
    {
        var (service, links, deployment) = Deploying(breaker: true);
        var tasks = new[] { Running("o1"), Running("o2"), FailedToStart("n1", DepNew), FailedToStart("n2", DepNew), FailedToStart("n3", DepNew) };
        var plan = Plan(Snapshot(service, tasks, state: new SchedulerState { Links = links, StartFailuresDeploymentId = DepNew }));

        var stopped = Assert.Single(Sync(plan.Service, plan.Scheduler.Links, deployment).Deployments);

        Assert.Equal((ServiceHistory.Stopped, CircuitBreaker.FailedReason), (stopped.Status, stopped.StatusReason));
        Assert.Equal(new ServiceDeploymentCircuitBreaker { Status = "TRIGGERED", FailureCount = 3, Threshold = 3 }, stopped.DeploymentCircuitBreaker);
    }

    [Fact]
    public void The_circuit_breakers_rollback_returns_to_the_source_revision_without_a_new_one()
    {
        var (service, links, deployment) = Deploying(breaker: true, rollback: true);
        var tasks = new[] { Running("o1"), Running("o2"), FailedToStart("n1", DepNew), FailedToStart("n2", DepNew), FailedToStart("n3", DepNew) };
        var plan = Plan(Snapshot(service, tasks, state: new SchedulerState { Links = links, StartFailuresDeploymentId = DepNew }));

        var changes = Sync(plan.Service, plan.Scheduler.Links, deployment);

        Assert.Empty(changes.Revisions);
        var rolling = Assert.Single(changes.Deployments);
        Assert.Equal(ServiceHistory.RollbackInProgress, rolling.Status);
        Assert.Equal((OldRevision, T0), (rolling.Rollback!.ServiceRevisionArn, rolling.Rollback.StartedAt));
        Assert.Equal(CircuitBreaker.RollbackReason(DepOld), rolling.Rollback.Reason);

        var rollbackId = plan.Service.Deployments![0].Id!;
        var completed = plan.Service with
        {
            Deployments = [plan.Service.Deployments[0] with { RolloutState = RolloutStates.Completed, RolloutStateReason = ServiceRules.CompletedReason(rollbackId) }],
        };
        var done = Assert.Single(Sync(completed, changes.Links, rolling).Deployments);
        Assert.Equal((ServiceHistory.RollbackSuccessful, T0), (done.Status, done.FinishedAt));
    }

    private static Service WithAlarms(Service service) => service with
    {
        DeploymentConfiguration = new DeploymentConfiguration
        {
            Alarms = new DeploymentAlarms { AlarmNames = ["web-5xx", "web-latency"], Enable = true, Rollback = true },
        },
    };

    [Fact]
    public void Deployment_alarms_are_disabled_unless_enabled_and_monitoring_while_the_deployment_runs()
    {
        var (service, links, deployment) = Deploying();

        Assert.Equal("DISABLED", deployment.Alarms!.Status);
        var watched = Assert.Single(Sync(WithAlarms(service), links, [], deployment with { Alarms = null }).Deployments);
        Assert.Equal("MONITORING", watched.Alarms!.Status);
        Assert.Equal(["web-5xx", "web-latency"], watched.Alarms.AlarmNames!);
        Assert.Empty(watched.Alarms.TriggeredAlarmNames!);

        var done = WithAlarms(Replica(2, NewPrimary() with { RolloutState = RolloutStates.Completed, RolloutStateReason = ServiceRules.CompletedReason(DepNew) }));
        var finished = Assert.Single(Sync(done, links, [], watched).Deployments);
        Assert.Equal((ServiceHistory.Successful, "MONITORING_COMPLETE"), (finished.Status, finished.Alarms!.Status));
    }

    [Fact]
    public void An_alarm_rollback_reports_the_triggered_alarms_through_to_its_end()
    {
        var (service, links, deployment) = Deploying();
        var alarms = DeploymentAlarmStates.Of(
            [new MetricAlarm { AlarmName = "web-latency", StateValue = AlarmStates.Alarm, Period = 60, EvaluationPeriods = 1 }]);
        var snapshot = Snapshot(WithAlarms(service), [Running("o1"), Running("o2"), Running("n1", DepNew)],
            state: new SchedulerState { Links = links, StartFailuresDeploymentId = DepNew });
        var plan = Plan(snapshot with { Alarms = alarms });

        var rolling = Assert.Single(Sync(plan.Service, plan.Scheduler.Links, plan.Scheduler.AlarmTriggers, deployment).Deployments);

        Assert.Equal((ServiceHistory.RollbackInProgress, "ECS deployment alarms: rolling back to deploymentId " + DepOld + "."), (rolling.Status, rolling.StatusReason));
        Assert.Equal("TRIGGERED", rolling.Alarms!.Status);
        Assert.Equal(["web-latency"], rolling.Alarms.TriggeredAlarmNames!);

        var rollbackId = plan.Service.Deployments![0].Id!;
        var completed = plan.Service with
        {
            Deployments = [plan.Service.Deployments[0] with { RolloutState = RolloutStates.Completed, RolloutStateReason = ServiceRules.CompletedReason(rollbackId) }],
        };
        var done = Assert.Single(Sync(completed, plan.Scheduler.Links, [], rolling).Deployments);
        Assert.Equal((ServiceHistory.RollbackSuccessful, "TRIGGERED"), (done.Status, done.Alarms!.Status));
        Assert.Equal(["web-latency"], done.Alarms.TriggeredAlarmNames!);
    }

    [Fact]
    public void Stop_rolls_an_unfinished_deployment_back_to_the_previous_successful_revision()
    {
        var (service, links, deployment) = Deploying();
        var record = new ServiceRecord(service, new SchedulerState { Links = links });

        var (next, requested) = ServiceHistory.RequestRollback(record, deployment, "ecs-svc/4444444444444444444", T0);

        Assert.Equal(ServiceHistory.RollbackRequested, requested.Status);
        Assert.Equal(OldRevision, requested.Rollback!.ServiceRevisionArn);
        var primary = next.Service.Deployments![0];
        Assert.Equal(("ecs-svc/4444444444444444444", TaskDefV1, RolloutStates.InProgress), (primary.Id, primary.TaskDefinition, primary.RolloutState));
        Assert.Equal(TaskDefV1, next.Service.TaskDefinition);
        Assert.Contains(new DeploymentLink("ecs-svc/4444444444444444444", deployment.ServiceDeploymentArn!, OldRevision), next.Scheduler.Links);
        Assert.Equal(RolloutStates.Failed, next.Service.Deployments.Single(d => d.Id == DepNew).RolloutState);

        var rolling = Assert.Single(Sync(next.Service, next.Scheduler.Links, requested).Deployments);
        Assert.Equal(ServiceHistory.RollbackInProgress, rolling.Status);
    }

    [Fact]
    public void Stop_of_a_rollback_already_requested_changes_nothing()
    {
        var (service, links, deployment) = Deploying();
        var requested = deployment with { Status = ServiceHistory.RollbackRequested };
        var record = new ServiceRecord(service, new SchedulerState { Links = links });

        var (next, same) = ServiceHistory.RequestRollback(record, requested, "ecs-svc/4444444444444444444", T0);

        Assert.Same(record, next);
        Assert.Same(requested, same);
    }

    [Fact]
    public void Stop_of_a_finished_deployment_or_one_without_a_previous_revision_conflicts()
    {
        var (service, links, deployment) = Deploying();
        var record = new ServiceRecord(service, new SchedulerState { Links = links });
        var first = Sync(Replica(2, NewPrimary()));
        var firstRecord = new ServiceRecord(Replica(2, NewPrimary()), new SchedulerState { Links = first.Links });

        var finished = Assert.Throws<ConflictException>(() =>
            ServiceHistory.RequestRollback(record, deployment with { Status = ServiceHistory.Successful }, "ecs-svc/4444444444444444444", T0));
        var nothingBefore = Assert.Throws<ConflictException>(() =>
            ServiceHistory.RequestRollback(firstRecord, first.Deployments[0], "ecs-svc/4444444444444444444", T0));

        Assert.Contains("SUCCESSFUL", finished.Message, StringComparison.Ordinal);
        Assert.Equal([deployment.ServiceDeploymentArn!], finished.ResourceIds);
        Assert.Contains("no previous successful service revision", nothingBefore.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Finished_deployments_are_kept_for_ninety_days()
    {
        var finished = new ServiceDeployment { Status = ServiceHistory.Successful, FinishedAt = T0 };

        Assert.True(ServiceHistory.IsRetained(finished, T0.AddDays(89)));
        Assert.False(ServiceHistory.IsRetained(finished, T0.AddDays(91)));
        Assert.True(ServiceHistory.IsRetained(finished with { Status = ServiceHistory.InProgress }, T0.AddDays(365)));
    }
}
