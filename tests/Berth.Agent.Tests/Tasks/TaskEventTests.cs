using Berth.Agent.Docker;
using Berth.Agent.State;
using Berth.Agent.Tasks;
using Berth.Agent.Tests.Support;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using static Berth.Agent.Tests.Support.TaskStates;

namespace Berth.Agent.Tests.Tasks;

/// <summary>TaskTransitions.Apply: what Docker observations and action results do to the known state, and the state file round trip.</summary>
public sealed class TaskEventTests
{
    private static readonly TaskSpec Web = Spec(C("web"));

    private static ContainerState WebAfter(TaskState state, params TaskEvent[] events) => state.Apply(Web, events).Find("web")!;

    [Fact]
    public void A_pulled_image_moves_the_container_on_and_records_when_the_pull_ended()
    {
        var state = New(Web).Apply(Web, new ImagePulled("web", null, T0.AddSeconds(2)));
        Assert.Equal(ContainerPhase.Pulled, state.Find("web")!.Phase);
        Assert.Equal(T0.AddSeconds(2), state.PullStoppedAt);
    }

    [Fact]
    public void An_image_that_cannot_be_pulled_stops_the_container_with_CannotPullContainerError()
    {
        var state = New(Web).Apply(Web, new ImagePulled("web", "CannotPullContainerError: pull image manifest has been retried 1 time(s): not found", T0));
        var web = state.Find("web")!;
        Assert.Equal("STOPPED", web.Status);
        Assert.Equal("CannotPullContainerError: pull image manifest has been retried 1 time(s): not found", web.Reason);
        Assert.False(web.EverStarted);
        Assert.Equal(T0, state.PullStoppedAt);
    }

    [Fact]
    public void A_refused_create_stops_the_container_with_CannotCreateContainerError()
    {
        var web = WebAfter(New(Web).Pulled(Web, "web"), new CreateRefused("web", "invalid mount config"));
        Assert.Equal("STOPPED", web.Status);
        Assert.Equal("CannotCreateContainerError: invalid mount config", web.Reason);
        Assert.Null(web.RuntimeId);
    }

    [Fact]
    public void A_refused_start_stops_the_container_with_CannotStartContainerError()
    {
        var web = WebAfter(New(Web).Created(Web, "web"), new StartRefused("web", "exec: \"/no/such/binary\": not found"));
        Assert.Equal("CannotStartContainerError: exec: \"/no/such/binary\": not found", web.Reason);
        Assert.Equal(IdOf("web"), web.RuntimeId);
    }

    [Fact]
    public void A_log_destination_that_refuses_stops_the_container_with_its_reason()
    {
        var web = WebAfter(New(Web).Pulled(Web, "web"), new LoggingRefused("web", "ResourceInitializationError: failed to validate logger args: x"));
        Assert.Equal("ResourceInitializationError: failed to validate logger args: x", web.Reason);
    }

    [Fact]
    public void A_created_container_remembers_its_Docker_id_and_name()
    {
        var web = WebAfter(New(Web).Pulled(Web, "web"), new ContainerCreated("web", "abc", "ecs-f-1-web-1234"));
        Assert.Equal((ContainerPhase.Created, "abc", "ecs-f-1-web-1234"), (web.Phase, web.RuntimeId, web.DockerName));
        Assert.Equal("PENDING", web.Status);
    }

    [Fact]
    public void An_inspect_of_a_running_container_makes_it_RUNNING_with_its_port_bindings()
    {
        var binding = new NetworkBinding { BindIP = "0.0.0.0", ContainerPort = 80, HostPort = 32768, Protocol = "tcp" };
        var web = WebAfter(New(Web).Created(Web, "web"), new ContainerInspected("web", Observed("web", ContainerPhase.Running, bindings: [binding])));
        Assert.Equal("RUNNING", web.Status);
        Assert.True(web.EverStarted);
        Assert.Equal([binding], web.NetworkBindings);
    }

    [Fact]
    public void Host_mode_containers_report_their_port_mappings_as_bindings()
    {
        var spec = Spec("host", C("web") with { PortMappings = [new PortMapping { ContainerPort = 8080 }] });
        var web = New(spec).Running(spec, "web").Find("web")!;
        Assert.Equal(8080, Assert.Single(web.NetworkBindings).HostPort);
    }

    [Fact]
    public void Bindings_stay_reported_after_the_container_stopped()
    {
        var binding = new NetworkBinding { BindIP = "0.0.0.0", ContainerPort = 80, HostPort = 32768, Protocol = "tcp" };
        var running = New(Web).Created(Web, "web").Apply(Web, new ContainerInspected("web", Observed("web", ContainerPhase.Running, bindings: [binding])));
        Assert.Equal([binding], WebAfter(running, new ContainerInspected("web", Observed("web", ContainerPhase.Stopped, 0))).NetworkBindings);
    }

    [Fact]
    public void An_exit_keeps_its_exit_code_and_Dockers_reason()
    {
        var web = WebAfter(New(Web).Running(Web, "web"),
            new ContainerInspected("web", Observed("web", ContainerPhase.Stopped, 137, reason: "OutOfMemoryError: Container killed due to memory usage")));
        Assert.Equal((137, "OutOfMemoryError: Container killed due to memory usage"), (web.ExitCode, web.Reason));
    }

    [Fact]
    public void The_first_exit_code_is_kept()
    {
        var exited = New(Web).Exited(Web, "web", 3);
        Assert.Equal(3, WebAfter(exited, new ContainerInspected("web", Observed("web", ContainerPhase.Stopped, 0))).ExitCode);
    }

    [Fact]
    public void A_STOPPED_container_stays_STOPPED_whatever_Docker_says_later()
    {
        var exited = New(Web).Exited(Web, "web", 3);
        var web = WebAfter(exited, new ContainerInspected("web", Observed("web", ContainerPhase.Running)));
        Assert.Equal("STOPPED", web.Status);
        Assert.Equal(3, web.ExitCode);
    }

    [Fact]
    public void Health_is_reported_only_for_a_container_with_a_health_check()
    {
        var created = New(Web).Created(Web, "web");
        var healthy = Observed("web", ContainerPhase.Running, health: "HEALTHY");
        Assert.Equal("HEALTHY", WebAfter(created, new ContainerInspected("web", healthy)).Health);
        Assert.Equal("UNKNOWN", WebAfter(created, new ContainerInspected("web", healthy with { HasHealthCheck = false })).Health);
    }

    [Fact]
    public void An_unhealthy_container_keeps_running()
    {
        var web = New(Web).Running(Web, "web", health: "UNHEALTHY").Find("web")!;
        Assert.Equal(("RUNNING", "UNHEALTHY"), (web.Status, web.Health));
    }

    [Fact]
    public void A_container_Docker_no_longer_has_is_STOPPED_with_DockerStateError()
    {
        var web = WebAfter(New(Web).Running(Web, "web"), new ContainerInspected("web", null));
        Assert.Equal(("STOPPED", ContainerState.VanishedReason), (web.Status, web.Reason));
    }

    [Fact]
    public void A_network_found_running_or_prepared_is_known_to_run_and_one_found_down_is_not()
    {
        var spec = Spec("awsvpc", C("web"));
        Assert.True(New(spec).Apply(spec, new NetworkPrepared(null)).NetworkRunning);
        Assert.False(New(spec).Apply(spec, new NetworkPrepared(null), new NetworkInspected(false)).NetworkRunning);
        Assert.True(New(spec).Apply(spec, new NetworkInspected(true)).NetworkRunning);
    }

    [Fact]
    public void The_report_carries_the_stop_reason_only_once_the_task_is_STOPPED()
    {
        var spec = Spec(C("main"), C("sidecar").NonEssential());
        var stopping = Decide(spec, New(spec).Exited(spec, "main", 3).Running(spec, "sidecar"), Run).State;
        var report = stopping.ToReport("arn:task");
        Assert.Equal(("RUNNING", null, null), (report.Containers.Single(c => c.Name == "sidecar").LastStatus, report.StoppedReason, report.StopCode));
        var stopped = Decide(spec, stopping.Apply(spec, new ContainerStopped("sidecar", Observed("sidecar", ContainerPhase.Stopped, 0))), Run).State.ToReport("arn:task");
        Assert.Equal(("STOPPED", "Essential container in task exited", "EssentialContainerExited"), (stopped.LastStatus, stopped.StoppedReason, stopped.StopCode));
        Assert.Equal(3, stopped.Containers.Single(c => c.Name == "main").ExitCode);
    }

    [Fact]
    public void The_state_file_record_brings_back_what_the_agent_knew()
    {
        var spec = Spec(C("main"), C("sidecar").NonEssential());
        var stopping = Decide(spec, New(spec).Exited(spec, "main", 3).Running(spec, "sidecar"), Run).State;
        var record = stopping.ToRecord(TestTasks.Assignment("f", "bridge", C("main"), C("sidecar")));

        var restored = TaskState.Start(spec.Plan, record, () => throw new InvalidOperationException("every container has a token"));

        Assert.Equal(stopping.ProgressKey, restored.ProgressKey);
        Assert.Equal(stopping.Stop, restored.Stop);
        Assert.Equal(stopping.Containers.Select(c => c.MetadataToken), restored.Containers.Select(c => c.MetadataToken));
    }

    [Fact]
    public void The_state_file_record_keeps_neither_secrets_nor_role_credentials()
    {
        var spec = Spec(C("main"));
        var assignment = TestTasks.Assignment("f", "bridge", C("main")) with
        {
            Secrets = new Dictionary<string, ContainerSecretValues>
            {
                ["main"] = new() { Environment = new Dictionary<string, string> { ["S"] = "v" }, LogOptions = new Dictionary<string, string>() },
            },
        };

        var record = New(spec).ToRecord(assignment);

        Assert.Null(record.Assignment.Secrets);
        Assert.Null(record.Assignment.RoleCredentials);
    }

    [Fact]
    public void A_record_from_an_older_agent_with_an_unknown_phase_starts_the_container_from_scratch_but_keeps_its_id()
    {
        var spec = Spec(C("web"));
        var record = new TaskRecord
        {
            Assignment = TestTasks.Assignment("f", "bridge", C("web")),
            KnownStatus = "PENDING",
            Containers = [new ContainerRecord { Name = "web", RuntimeId = "abc", MetadataToken = "t", Phase = "SOMETHING", ExitCode = 9 }],
        };
        var web = TaskState.Start(spec.Plan, record, () => "new").Find("web")!;
        Assert.Equal((ContainerPhase.None, "abc", (int?)null, "t"), (web.Phase, web.RuntimeId, web.ExitCode, web.MetadataToken));
    }

    [Fact]
    public void A_container_the_record_does_not_name_gets_a_new_metadata_token()
    {
        var spec = Spec(C("web"), C("added"));
        var record = new TaskRecord
        {
            Assignment = TestTasks.Assignment("f", "bridge", C("web")),
            KnownStatus = "PENDING",
            Containers = [new ContainerRecord { Name = "web", MetadataToken = "old", Phase = "None" }],
        };
        var state = TaskState.Start(spec.Plan, record, () => "fresh");
        Assert.Equal(["old", "fresh"], state.Containers.Select(c => c.MetadataToken));
    }
}
