using Berth.Agent.Docker;
using Berth.Agent.Tasks;
using Berth.Agent.Tests.Support;
using Berth.Core.Ecs;
using EcsKeyValuePair = Berth.Core.Ecs.KeyValuePair;

namespace Berth.Agent.Tests.Tasks;

public sealed class TaskPlanTests
{
    private static TaskPlan Plan(params ContainerDefinition[] containers) =>
        TaskPlan.Build(TestTasks.Assignment("f", "bridge", containers), allowPrivileged: false);

    private static ContainerDefinition C(string name, params ContainerDependency[] dependsOn) =>
        new() { Name = name, Image = "i", DependsOn = dependsOn.Length == 0 ? null : dependsOn };

    private static ContainerDependency On(string name, string condition) => new() { ContainerName = name, Condition = condition };

    [Fact]
    public void A_valid_task_has_no_failure_and_starts_dependencies_first()
    {
        var plan = Plan(C("app", On("init", "SUCCESS")), C("init") with { Essential = false });
        Assert.Null(plan.Failure);
        Assert.Equal(["init", "app"], plan.StartOrder().Select(c => c.Name));
    }

    [Fact]
    public void Links_and_volumesFrom_add_implicit_dependencies()
    {
        var plan = Plan(C("app") with { Links = ["db:database"], VolumesFrom = [new VolumeFrom { SourceContainer = "data" }] }, C("db"), C("data"));
        Assert.Contains(new Dependency("db", Dependency.Start), plan.Find("app")!.DependsOn);
        Assert.Contains(new Dependency("data", Dependency.Create), plan.Find("app")!.DependsOn);
    }

    [Theory]
    [InlineData("cycle")]
    [InlineData("unknown")]
    [InlineData("healthy-without-check")]
    [InlineData("privileged")]
    [InlineData("no-essential")]
    [InlineData("unknown-volume")]
    public void Tasks_that_cannot_run_here_fail_with_a_reason(string case_)
    {
        var plan = case_ switch
        {
            "cycle" => Plan(C("a", On("b", "START")), C("b", On("a", "START"))),
            "unknown" => Plan(C("a", On("ghost", "START"))),
            "healthy-without-check" => Plan(C("a", On("b", "HEALTHY")), C("b")),
            "privileged" => Plan(C("a") with { Privileged = true }),
            "no-essential" => Plan(C("a") with { Essential = false }),
            "unknown-volume" => Plan(C("a") with { MountPoints = [new MountPoint { SourceVolume = "nope", ContainerPath = "/x" }] }),
            _ => throw new ArgumentOutOfRangeException(nameof(case_)),
        };
        Assert.False(string.IsNullOrWhiteSpace(plan.Failure));
    }

    [Fact]
    public void Secrets_plan_like_any_container_since_the_server_resolves_them() =>
        Assert.Null(Plan(C("a") with { Secrets = [new Secret { Name = "S", ValueFrom = "arn:aws:ssm:us-east-1:000000000000:parameter/p" }] }).Failure);

    [Fact]
    public void Privileged_is_fine_when_the_agent_allows_it() =>
        Assert.Null(TaskPlan.Build(TestTasks.Assignment("f", "bridge", C("a") with { Privileged = true }), allowPrivileged: true).Failure);

    [Fact]
    public void Container_overrides_replace_command_cpu_and_memory_and_merge_environment()
    {
        var definition = C("a") with
        {
            Command = ["old"],
            Cpu = 10,
            Memory = 100,
            Environment = [new EcsKeyValuePair { Name = "KEEP", Value = "1" }, new EcsKeyValuePair { Name = "CHANGE", Value = "old" }],
        };
        var effective = TaskPlan.Apply(definition, new ContainerOverride
        {
            Name = "a",
            Command = ["new"],
            Cpu = 20,
            Memory = 200,
            Environment = [new EcsKeyValuePair { Name = "CHANGE", Value = "new" }, new EcsKeyValuePair { Name = "ADD", Value = "x" }],
        });
        Assert.Equal(["new"], effective.Command);
        Assert.Equal(20, effective.Cpu);
        Assert.Equal(200, effective.Memory);
        Assert.Equal(["KEEP=1", "CHANGE=new", "ADD=x"], effective.Environment!.Select(e => $"{e.Name}={e.Value}"));
    }

    [Fact]
    public void Essential_defaults_to_true() => Assert.True(Plan(C("a")).Containers[0].Essential);
}

public sealed class DependenciesTests
{
    private static ContainerState Container(string name) => ContainerState.New(new PlannedContainer(name, new ContainerDefinition { Name = name }, false, []), "t");

    private static ContainerState Exited(string name, int exitCode) =>
        Container(name).Observe(TaskStates.Observed(name, ContainerPhase.Stopped, exitCode), hostModeBindings: null);

    private static (DependencyOutcome, string?) Check(string condition, ContainerState dependency) =>
        Dependencies.Check(new PlannedContainer("app", new ContainerDefinition(), true, [new Dependency(dependency.Name, condition)]),
            n => n == dependency.Name ? dependency : null);

    [Fact]
    public void START_waits_for_the_dependency_to_run_and_fails_if_it_never_can()
    {
        var d = Container("d");
        Assert.Equal(DependencyOutcome.Waiting, Check("START", d).Item1);
        var (outcome, detail) = Check("START", d.Fail("CannotPullContainerError: x"));
        Assert.Equal(DependencyOutcome.Impossible, outcome);
        Assert.Contains("failed to start", detail, StringComparison.Ordinal);
    }

    [Fact]
    public void SUCCESS_needs_exit_code_0_and_COMPLETE_any_exit()
    {
        Assert.Equal(DependencyOutcome.Resolved, Check("SUCCESS", Exited("z", 0)).Item1);
        Assert.Equal(DependencyOutcome.Impossible, Check("SUCCESS", Exited("o", 1)).Item1);
        Assert.Equal(DependencyOutcome.Resolved, Check("COMPLETE", Exited("o", 1)).Item1);
    }

    [Fact]
    public void HEALTHY_is_impossible_once_the_dependency_stopped()
    {
        var d = Container("d").Observe(TaskStates.Observed("d", ContainerPhase.Running), hostModeBindings: null);
        Assert.Equal(DependencyOutcome.Waiting, Check("HEALTHY", d).Item1);
        Assert.Equal(DependencyOutcome.Impossible, Check("HEALTHY", d.MarkStopped()).Item1);
    }

    [Fact]
    public void A_container_phase_never_moves_back()
    {
        var c = Container("c").Advance(ContainerPhase.Running);
        Assert.Equal(ContainerPhase.Running, c.Advance(ContainerPhase.Created).Phase);
        Assert.Equal("RUNNING", c.Status);
        c = c.MarkStopped();
        Assert.Equal("STOPPED", c.Status);
        Assert.Equal(ContainerPhase.Stopped, c.Advance(ContainerPhase.Running).Phase);
    }
}
