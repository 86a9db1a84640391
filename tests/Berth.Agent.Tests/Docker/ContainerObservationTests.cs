using Berth.Agent.Docker;
using Docker.DotNet.Models;
using DockerState = Docker.DotNet.Models.State;

namespace Berth.Agent.Tests.Docker;

/// <summary>Docker's inspect → what the task state machine observes, without Docker.</summary>
public sealed class ContainerObservationTests
{
    private const string Never = "0001-01-01T00:00:00Z";

    private static ContainerObservation Observe(DockerState state, ContainerConfig? config = null, NetworkSettings? network = null) =>
        ContainerObservation.From(new ContainerInspectResponse { ID = "abc", Name = "/ecs-web-1-web-1", State = state, Config = config, NetworkSettings = network });

    [Fact]
    public void A_running_container_is_running_and_has_no_exit_code()
    {
        var o = Observe(new DockerState { Running = true, Status = "running", StartedAt = "2025-01-01T12:00:00.5Z", FinishedAt = Never });
        Assert.Equal((ContainerPhase.Running, true, (int?)null), (o.Phase, o.EverStarted, o.ExitCode));
        Assert.Equal(new DateTimeOffset(2025, 1, 1, 12, 0, 0, 500, TimeSpan.Zero), o.StartedAt);
        Assert.Null(o.FinishedAt);
        Assert.Equal("ecs-web-1-web-1", o.DockerName);
    }

    [Theory]
    [InlineData("paused", true, false)]
    [InlineData("restarting", false, true)]
    public void A_paused_or_restarting_container_still_counts_as_running(string status, bool paused, bool restarting) =>
        Assert.Equal(ContainerPhase.Running,
            Observe(new DockerState { Status = status, Paused = paused, Restarting = restarting, StartedAt = "2025-01-01T12:00:00Z" }).Phase);

    [Fact]
    public void A_created_container_never_started()
    {
        var o = Observe(new DockerState { Status = "created", StartedAt = Never, FinishedAt = Never });
        Assert.Equal((ContainerPhase.Created, false, (int?)null, (string?)null), (o.Phase, o.EverStarted, o.ExitCode, o.Reason));
    }

    [Fact]
    public void An_exited_container_has_its_exit_code()
    {
        var o = Observe(new DockerState { Status = "exited", ExitCode = 3, StartedAt = "2025-01-01T12:00:00Z", FinishedAt = "2025-01-01T12:00:05Z" });
        Assert.Equal((ContainerPhase.Stopped, true, (int?)3, (string?)null), (o.Phase, o.EverStarted, o.ExitCode, o.Reason));
    }

    [Fact]
    public void A_container_whose_start_failed_has_no_exit_code_but_Dockers_error_as_CannotStartContainerError()
    {
        var o = Observe(new DockerState { Status = "exited", ExitCode = 127, Error = "exec: \"/x\": not found\n", StartedAt = Never });
        Assert.Equal((ContainerPhase.Stopped, false, (int?)null), (o.Phase, o.EverStarted, o.ExitCode));
        Assert.Equal("CannotStartContainerError: exec: \"/x\": not found", o.Reason);
    }

    [Fact]
    public void An_OOM_kill_is_ECS_OutOfMemoryError()
    {
        var o = Observe(new DockerState { Status = "exited", ExitCode = 137, OOMKilled = true, StartedAt = "2025-01-01T12:00:00Z" });
        Assert.Equal(("OutOfMemoryError: Container killed due to memory usage", (int?)137), (o.Reason, o.ExitCode));
    }

    [Theory]
    [InlineData("healthy", "HEALTHY")]
    [InlineData("unhealthy", "UNHEALTHY")]
    [InlineData("starting", "UNKNOWN")]
    public void Docker_health_maps_to_ECS_health(string docker, string ecs)
    {
        var o = Observe(new DockerState { Running = true, StartedAt = "2025-01-01T12:00:00Z", Health = new Health { Status = docker, Log = [new HealthcheckResult { ExitCode = 1, Output = "nope" }] } },
            new ContainerConfig { Healthcheck = new HealthcheckConfig { Test = ["CMD-SHELL", "exit 1"] } });
        Assert.Equal((ecs, true, "nope", (int?)1), (o.Health, o.HasHealthCheck, o.HealthOutput, o.HealthExitCode));
    }

    [Fact]
    public void A_health_check_of_NONE_is_no_health_check()
    {
        var o = Observe(new DockerState { Running = true, StartedAt = "2025-01-01T12:00:00Z" }, new ContainerConfig { Healthcheck = new HealthcheckConfig { Test = ["NONE"] } });
        Assert.False(o.HasHealthCheck);
    }

    [Fact]
    public void Published_ports_become_network_bindings_and_unpublished_ones_do_not()
    {
        var o = Observe(new DockerState { Running = true, StartedAt = "2025-01-01T12:00:00Z" }, network: new NetworkSettings
        {
            Ports = new Dictionary<string, IList<PortBinding>>
            {
                ["80/tcp"] = [new PortBinding { HostIP = "", HostPort = "32768" }, new PortBinding { HostIP = "::", HostPort = "32768" }],
                ["53/udp"] = [new PortBinding { HostIP = "127.0.0.1", HostPort = "5353" }],
                ["443/tcp"] = null!,
            },
        });
        Assert.Equal(["0.0.0.0:32768->80/tcp", ":::32768->80/tcp", "127.0.0.1:5353->53/udp"],
            o.NetworkBindings.Select(b => $"{b.BindIP}:{b.HostPort}->{b.ContainerPort}/{b.Protocol}"));
    }
}
