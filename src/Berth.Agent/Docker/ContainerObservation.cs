using System.Globalization;
using Berth.Core.Ecs;
using Docker.DotNet.Models;

namespace Berth.Agent.Docker;

/// <summary>Where a container is in its life, as far as the agent cares. Only moves forward.</summary>
internal enum ContainerPhase
{
    None = 0,
    Pulled = 1,
    Created = 2,
    Running = 3,
    Stopped = 4,
}

/// <summary>What one inspect of a Docker container says, mapped to ECS's terms.</summary>
internal sealed record ContainerObservation
{
    public required string Id { get; init; }
    public required string DockerName { get; init; }
    public required ContainerPhase Phase { get; init; }

    /// <summary>The container's process ran at some point (Docker's StartedAt is set).</summary>
    public required bool EverStarted { get; init; }

    public int? ExitCode { get; init; }

    /// <summary>Why it stopped when Docker knows better than an exit code: OOM kill, start failure.</summary>
    public string? Reason { get; init; }

    /// <summary>HEALTHY, UNHEALTHY or UNKNOWN.</summary>
    public required string Health { get; init; }

    public string? HealthOutput { get; init; }
    public int? HealthExitCode { get; init; }
    public bool HasHealthCheck { get; init; }
    public IReadOnlyList<NetworkBinding> NetworkBindings { get; init; } = [];
    public DateTimeOffset? CreatedAt { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? FinishedAt { get; init; }
    public string? ImageId { get; init; }
    public string? NetworkMode { get; init; }
    public IReadOnlyList<string> IPv4Addresses { get; init; } = [];
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<string> Environment { get; init; } = [];

    /// <summary>
    /// Docker's inspect in ECS's terms: running (also paused or restarting), created, or stopped with its exit code
    /// when the process ran, and the reason ECS gives when Docker knows better than an exit code.
    /// </summary>
    public static ContainerObservation From(ContainerInspectResponse inspect)
    {
        var state = inspect.State ?? new global::Docker.DotNet.Models.State();
        var started = ParseDockerTime(state.StartedAt);
        var finished = ParseDockerTime(state.FinishedAt);
        var phase = state.Running || state.Paused || state.Restarting ? ContainerPhase.Running
            : state.Status is "created" ? ContainerPhase.Created
            : ContainerPhase.Stopped;
        string? reason = null;
        if (phase == ContainerPhase.Stopped)
        {
            reason = state.OOMKilled ? "OutOfMemoryError: Container killed due to memory usage"
                : !string.IsNullOrWhiteSpace(state.Error) ? $"CannotStartContainerError: {state.Error.Trim()}"
                : null;
        }

        var test = inspect.Config?.Healthcheck?.Test;
        var hasHealthCheck = test is { Count: > 0 } && test[0] != "NONE";
        var health = inspect.State?.Health;
        var lastCheck = health?.Log is { Count: > 0 } log ? log[^1] : null;

        var bindings = new List<NetworkBinding>();
        foreach (var (key, hostBindings) in inspect.NetworkSettings?.Ports ?? new Dictionary<string, IList<PortBinding>>())
        {
            var parts = key.Split('/');
            if (hostBindings is null || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out var containerPort))
            {
                continue;
            }
            foreach (var binding in hostBindings)
            {
                if (int.TryParse(binding.HostPort, CultureInfo.InvariantCulture, out var hostPort))
                {
                    bindings.Add(new NetworkBinding
                    {
                        BindIP = string.IsNullOrEmpty(binding.HostIP) ? "0.0.0.0" : binding.HostIP,
                        ContainerPort = containerPort,
                        HostPort = hostPort,
                        Protocol = parts.Length > 1 ? parts[1] : "tcp",
                    });
                }
            }
        }

        return new ContainerObservation
        {
            Id = inspect.ID,
            DockerName = inspect.Name?.TrimStart('/') ?? inspect.ID,
            Phase = phase,
            EverStarted = started is not null,
            ExitCode = phase == ContainerPhase.Stopped && started is not null ? (int)state.ExitCode : null,
            Reason = reason,
            Health = health?.Status switch
            {
                "healthy" => "HEALTHY",
                "unhealthy" => "UNHEALTHY",
                _ => "UNKNOWN",
            },
            HealthOutput = lastCheck?.Output,
            HealthExitCode = lastCheck is null ? null : (int)lastCheck.ExitCode,
            HasHealthCheck = hasHealthCheck,
            NetworkBindings = bindings,
            CreatedAt = inspect.Created == default ? null : new DateTimeOffset(DateTime.SpecifyKind(inspect.Created, DateTimeKind.Utc)),
            StartedAt = started,
            FinishedAt = finished,
            ImageId = inspect.Image,
            NetworkMode = inspect.HostConfig?.NetworkMode,
            IPv4Addresses = inspect.NetworkSettings?.Networks?.Values
                .Select(n => n.IPAddress).Where(ip => !string.IsNullOrEmpty(ip)).ToList() ?? [],
            Labels = inspect.Config?.Labels is { } labels ? new Dictionary<string, string>(labels) : new Dictionary<string, string>(),
            Environment = inspect.Config?.Env?.ToList() ?? [],
        };
    }

    /// <summary>Docker writes "0001-01-01T00:00:00Z" for never.</summary>
    private static DateTimeOffset? ParseDockerTime(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time) && time.Year > 1
            ? time
            : null;
}
