using Berth.Core.Ecs;

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
}

/// <summary>The engine's facts that registration needs.</summary>
internal sealed record DockerHostInfo(int Cpus, long MemoryBytes, string Architecture, string ServerVersion, Version ApiVersion);
