using Berth.Core.Services;
using static Berth.Core.Tests.Services.ServiceFixture;

namespace Berth.Core.Tests.Services;

/// <summary>
/// Whole deployments driven plan → apply → plan until COMPLETED, checking after every step that the service never
/// has fewer than ceil(desired × min%) healthy tasks nor more than floor(desired × max%) RUNNING or PENDING.
/// </summary>
public class DeploymentSimulationTests
{
    public static TheoryData<int, int, int, bool> Configurations()
    {
        var data = new TheoryData<int, int, int, bool>();
        foreach (var desired in new[] { 1, 2, 3, 4, 5, 7, 10 })
        {
            foreach (var (max, min) in new[] { (200, 100), (200, 50), (100, 0), (150, 100), (150, 50), (125, 75), (200, 0), (110, 90) })
            {
                var bounds = DeploymentBounds.For(desired, new() { MaximumPercent = max, MinimumHealthyPercent = min }, SchedulingStrategies.Replica);
                // ECS stalls when neither a start nor a stop fits; that case has its own test.
                if (bounds.MaximumTasks > desired || bounds.MinimumHealthyTasks < desired)
                {
                    data.Add(desired, max, min, true);
                    data.Add(desired, max, min, false);
                }
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Configurations))]
    public void Rolling_deployment_completes_within_bounds_at_every_step(int desired, int max, int min, bool healthChecks)
    {
        var service = Replica(desired, NewPrimary(), OldActive()).WithBounds(max, min);
        var sim = new ServiceSimulation(service, RunningTasks(desired).Select(t => t with { HasHealthCheck = healthChecks, HealthStatus = healthChecks ? "HEALTHY" : "UNKNOWN" }), healthChecks: healthChecks);
        var bounds = DeploymentBounds.For(desired, service.DeploymentConfiguration, SchedulingStrategies.Replica);

        sim.RunToCompletion(s => AssertWithinBounds(s, bounds));

        Assert.Equal(desired, sim.Live.Count(t => t.DeploymentId == DepNew));
        Assert.DoesNotContain(sim.Live, t => t.DeploymentId == DepOld);
        Assert.Equal(TaskDefV2, Assert.Single(sim.Service.Deployments!).TaskDefinition);
        Assert.Contains($"(service web) (deployment {DepNew}) deployment completed.", sim.Service.Events!.Select(e => e.Message));
    }

    [Theory]
    [InlineData(4, 200, 100)]
    [InlineData(4, 100, 50)]
    [InlineData(6, 150, 50)]
    public void Draining_an_instance_moves_its_tasks_within_bounds(int desired, int max, int min)
    {
        var instances = new List<ServiceInstance> { Instance("i1"), Instance("i2"), Instance("i3") };
        var tasks = Enumerable.Range(1, desired).Select(i => Running($"t{i}", instance: $"i{1 + (i % 3)}")).ToList();
        var service = Replica(desired, Deployment(DepOld)).WithBounds(max, min);
        var sim = new ServiceSimulation(service, tasks, instances) { Step = TimeSpan.FromSeconds(45) };
        var bounds = DeploymentBounds.For(desired, service.DeploymentConfiguration, SchedulingStrategies.Replica);
        sim.Instances[1] = Instance("i2", InstanceStatuses.Draining);

        for (var step = 0; step < 30; step++)
        {
            sim.RunOnce();
            AssertWithinBounds(sim, bounds);
        }

        Assert.DoesNotContain(sim.Live, t => t.ContainerInstanceArn == InstanceArn("i2"));
        Assert.Equal(desired, sim.HealthyCount());
    }

    [Fact]
    public void Failing_deployment_trips_the_breaker_and_rolls_back_without_losing_capacity()
    {
        var service = Replica(4, NewPrimary(), OldActive()).WithBounds(200, 100).WithCircuitBreaker(rollback: true);
        var sim = new ServiceSimulation(service, RunningTasks(4));
        sim.Break(TaskDefV2);
        var bounds = DeploymentBounds.For(4, service.DeploymentConfiguration, SchedulingStrategies.Replica);

        sim.RunToCompletion(s => AssertWithinBounds(s, bounds));

        var primary = Assert.Single(sim.Service.Deployments!);
        Assert.Equal(TaskDefV1, primary.TaskDefinition);
        Assert.Equal(TaskDefV1, sim.Service.TaskDefinition);
        Assert.Equal(4, sim.Live.Count(t => t.DeploymentId == primary.Id));
        var messages = sim.Service.Events!.Select(e => e.Message).ToList();
        Assert.Contains($"(service web) (deployment {DepNew}) deployment failed: tasks failed to start.", messages);
        Assert.Contains($"(service web) rolling back to deployment {DepOld}.", messages);
    }

    [Fact]
    public void Daemon_rolling_update_replaces_every_instance()
    {
        var instances = Enumerable.Range(1, 5).Select(i => Instance($"i{i}")).ToList();
        var tasks = Enumerable.Range(1, 5).Select(i => Running($"o{i}", instance: $"i{i}"));
        var sim = new ServiceSimulation(Daemon(NewPrimary(), OldActive()).WithBounds(100, 40), tasks, instances) { Step = TimeSpan.FromSeconds(45) };
        var bounds = new DeploymentBounds(5, 2);

        sim.RunToCompletion(s =>
        {
            AssertWithinBounds(s, bounds);
            Assert.All(s.Live.GroupBy(t => t.ContainerInstanceArn), g => Assert.Single(g));
        });

        Assert.All(instances, i => Assert.Single(sim.Live, t => t.ContainerInstanceArn == i.ContainerInstanceArn && t.DeploymentId == DepNew));
    }

    [Fact]
    public void New_service_reaches_steady_state_and_reports_it_once()
    {
        var sim = new ServiceSimulation(Replica(3, Deployment(DepNew, rollout: RolloutStates.InProgress)), []);

        sim.RunToCompletion(_ => { });
        for (var i = 0; i < 10; i++)
        {
            sim.RunOnce();
        }

        var messages = sim.Service.Events!.Select(e => e.Message).ToList();
        Assert.Single(messages, m => m == "(service web) has reached a steady state.");
        Assert.Single(messages, m => m!.StartsWith("(service web) has started 3 tasks: ", StringComparison.Ordinal));
        Assert.Empty(sim.Plans[^1].Starts);
    }

    private static void AssertWithinBounds(ServiceSimulation sim, DeploymentBounds bounds)
    {
        Assert.True(sim.Live.Count() <= bounds.MaximumTasks, $"{sim.Live.Count()} tasks > maximum {bounds.MaximumTasks} at {sim.Now}");
        Assert.True(sim.HealthyCount() >= bounds.MinimumHealthyTasks, $"{sim.HealthyCount()} healthy < minimum {bounds.MinimumHealthyTasks} at {sim.Now}");
    }
}
