using Berth.Agent.ControlPlane;

namespace Berth.Agent;

/// <summary>
/// Settings of one agent. Immutable; checked once by <see cref="Validate"/> before the agent starts, with a
/// message that names the setting. The CLI binds these from flags, then <c>BERTH_*</c> variables, then defaults.
/// </summary>
public sealed record AgentOptions
{
    /// <summary>The Berth server's API address, e.g. <c>http://127.0.0.1:4566</c>.</summary>
    public Uri? ServerUrl { get; init; }

    /// <summary>
    /// Further servers that share <see cref="ServerUrl"/>'s store (docs/architecture.md, "Running Berth highly
    /// available"): the agent moves on to the next when the one it talks to does not answer.
    /// </summary>
    public IReadOnlyList<Uri> OtherServerUrls { get; init; } = [];

    /// <summary><see cref="ServerUrl"/> then <see cref="OtherServerUrls"/>: the order the agent tries them in.</summary>
    public IReadOnlyList<Uri> ServerUrls => ServerUrl is null ? OtherServerUrls : [ServerUrl, .. OtherServerUrls];

    /// <summary>
    /// The access key the agent joins with (SigV4: service <c>ecs</c>): the root key or an admin's allowed
    /// ecs:RegisterContainerInstance. Joining issues the instance a key of its own, which signs every later request
    /// (the agent protocol, ECS, CloudWatch Logs) and is kept in <see cref="DataDirectory"/>. Null, and no
    /// <see cref="JoinToken"/>: requests go unsigned, which only a server run with <c>--auth off</c> accepts.
    /// <c>berth up</c> gives its agents the server's root key to join with.
    /// </summary>
    public AgentCredentials? Credentials { get; init; }

    /// <summary>A join token (<c>berth agent token create</c>) to join with instead of <see cref="Credentials"/>.</summary>
    public AgentJoinToken? JoinToken { get; init; }

    /// <summary>
    /// The region requests are signed for, which is the region the server files the instance and its tasks under;
    /// it must be the server's (<c>berth server --region</c>). awslogs calls use the container's awslogs-region.
    /// </summary>
    public string Region { get; init; } = "us-east-1";

    /// <summary>
    /// A PEM file of the certificates an https:// <see cref="ServerUrl"/> must chain to (the cluster's CA, or the server's
    /// self-signed certificate); null: the system's trusted roots. The server's certificate is verified either way.
    /// </summary>
    public string? CaCertificatePath { get; init; }

    /// <summary>The cluster the instance registers into (ECS_CLUSTER in the ECS agent).</summary>
    public string Cluster { get; init; } = "default";

    /// <summary>Where the agent keeps its state file; one directory per agent.</summary>
    public string DataDirectory { get; init; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".berth", "agent");

    /// <summary>
    /// Value of the <c>org.berth.agent</c> label on every container and volume this agent creates; the agent only
    /// ever adopts, stops or removes what carries its own value. Null: the instance id.
    /// </summary>
    public string? AgentNamespace { get; init; }

    public string AvailabilityZone { get; init; } = "local-1a";

    /// <summary>Custom attributes registered with the instance, next to the ecs.* ones.</summary>
    public IReadOnlyDictionary<string, string> Attributes { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether task definitions may run privileged containers (the ECS agent's ECS_DISABLE_PRIVILEGED, inverted).</summary>
    public bool AllowPrivileged { get; init; }

    /// <summary>
    /// Port of the task metadata endpoint (the ECS agent serves it on 51679). 0 picks a free port, which then
    /// changes at every start: containers adopted after a restart keep the old, dead URI.
    /// </summary>
    public int MetadataPort { get; init; } = 51679;

    /// <summary>
    /// Address the metadata endpoint listens on and containers are told to use. Null: the gateway of Docker's
    /// <c>bridge</c> network (172.17.0.1), which bridge and host containers can both reach.
    /// </summary>
    public string? MetadataAddress { get; init; }

    /// <summary>How often running containers' CPU and memory use is sampled and sent to the server (ECS samples every 20 s).</summary>
    public TimeSpan StatsInterval { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the server may hold a poll when nothing changed (at most 30 s).</summary>
    public int PollWaitSeconds { get; init; } = 20;

    /// <summary>CPU units the instance offers; null: the host's (or its part of <see cref="Split"/>), 1024 per CPU, as the ECS agent registers.</summary>
    public int? CpuUnits { get; init; }

    /// <summary>Memory MiB the instance offers before <see cref="ReservedMemoryMiB"/>; null: the host's (or its part of <see cref="Split"/>).</summary>
    public int? MemoryMiB { get; init; }

    /// <summary>How the host is shared with another agent on the same Docker engine; null: this agent has it alone.</summary>
    public HostSplit? Split { get; init; }

    /// <summary>Memory kept back for the host and the agent; not offered to tasks (ECS_RESERVED_MEMORY).</summary>
    public int ReservedMemoryMiB { get; init; }

    /// <summary>Where the server reaches this instance's host ports. Null: the local address used to reach the server.</summary>
    public string? HostAddress { get; init; }

    /// <summary>The Docker Engine API endpoint.</summary>
    public Uri DockerEndpoint { get; init; } = new("unix:///var/run/docker.sock");

    /// <summary>Stop timeout of containers whose definition names none (ECS_CONTAINER_STOP_TIMEOUT, 30 s).</summary>
    public TimeSpan DefaultStopTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Upper bound on any container's stop timeout (ECS allows at most 120 s in a task definition).</summary>
    public TimeSpan MaxStopTimeout { get; init; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// Images are used from the local engine when present (the ECS agent's "prefer-cached" pull behaviour);
    /// a missing image is pulled with this time limit.
    /// </summary>
    public TimeSpan PullTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long a dependent container waits for its dependsOn conditions when its definition has no
    /// startTimeout (ECS waits 3 minutes by default).
    /// </summary>
    public TimeSpan DefaultStartTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>
    /// How long the containers of a STOPPED task are kept (for inspection) when the server still lists it
    /// (ECS_ENGINE_TASK_CLEANUP_WAIT_DURATION, 3 h in the ECS agent). They are removed at once when the server
    /// stops listing the task.
    /// </summary>
    public TimeSpan TaskCleanupWait { get; init; } = TimeSpan.FromHours(3);

    /// <summary>
    /// The image of awsvpc tasks' pause containers, which own each task's network namespace (the ECS agent's
    /// amazon/amazon-ecs-pause); built locally by eng/build-sample-images.sh.
    /// </summary>
    public string PauseImage { get; init; } = "berth/pause:latest";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate(bool requireServerUrl = true)
    {
        if (requireServerUrl && ServerUrl is null)
        {
            throw new ArgumentException("ServerUrl must be an absolute http(s) URL; got ''.");
        }
        if (ServerUrls.FirstOrDefault(u => !u.IsAbsoluteUri || u.Scheme is not ("http" or "https")) is { } bad)
        {
            throw new ArgumentException($"ServerUrl must be an absolute http(s) URL; got '{bad}'.");
        }
        Check(Credentials is null || (!string.IsNullOrWhiteSpace(Credentials.AccessKeyId) && !string.IsNullOrEmpty(Credentials.SecretAccessKey)),
            "Credentials need both an access key id and a secret access key.");
        Check(JoinToken is null || JoinToken.Value.StartsWith("berth-join.", StringComparison.Ordinal),
            "The join token must be one that 'berth agent token create' printed (berth-join.…).");
        Check(!string.IsNullOrWhiteSpace(Region), "Region must not be empty.");
        Check(CaCertificatePath is null || ServerUrls.All(u => u.Scheme == "https"),
            $"CaCertificatePath verifies an https:// ServerUrl; got '{string.Join(",", ServerUrls)}'.");
        Check(!string.IsNullOrWhiteSpace(Cluster), "Cluster must not be empty.");
        Check(!string.IsNullOrWhiteSpace(DataDirectory), "DataDirectory must not be empty.");
        Check(AgentNamespace is null || (AgentNamespace.Length is > 0 and <= 128 && !AgentNamespace.Contains('=')),
            $"AgentNamespace must be 1 to 128 characters without '='; got '{AgentNamespace}'.");
        Check(!string.IsNullOrWhiteSpace(AvailabilityZone), "AvailabilityZone must not be empty.");
        Check(MetadataPort is >= 0 and <= 65535, $"MetadataPort must be between 0 and 65535; got {MetadataPort}.");
        Check(MetadataAddress is null || System.Net.IPAddress.TryParse(MetadataAddress, out _),
            $"MetadataAddress must be an IP address; got '{MetadataAddress}'.");
        Check(PollWaitSeconds is >= 0 and <= 30, $"PollWaitSeconds must be between 0 and 30; got {PollWaitSeconds}.");
        Check(ReservedMemoryMiB >= 0, $"ReservedMemoryMiB must not be negative; got {ReservedMemoryMiB}.");
        Check(CpuUnits is null or > 0, $"CpuUnits must be positive; got {CpuUnits}.");
        Check(MemoryMiB is null or > 0, $"MemoryMiB must be positive; got {MemoryMiB}.");
        Check(Split is null || (Split.PoolCpuUnits is null or > 0 && Split.PoolMemoryMiB is null or > 0),
            $"The pool's CPU units and memory must be positive; got {Split?.PoolCpuUnits} and {Split?.PoolMemoryMiB}.");
        Check(DockerEndpoint.IsAbsoluteUri && DockerEndpoint.Scheme is "unix" or "tcp" or "http",
            $"DockerEndpoint must be a unix://, tcp:// or http:// URI; got '{DockerEndpoint}'.");
        Check(DefaultStopTimeout >= TimeSpan.Zero && MaxStopTimeout >= TimeSpan.Zero, "Stop timeouts must not be negative.");
        Check(PullTimeout > TimeSpan.Zero, "PullTimeout must be positive.");
        Check(StatsInterval > TimeSpan.Zero, "StatsInterval must be positive.");
        Check(DefaultStartTimeout > TimeSpan.Zero, "DefaultStartTimeout must be positive.");
        Check(TaskCleanupWait >= TimeSpan.Zero, "TaskCleanupWait must not be negative.");
        foreach (var (name, _) in Attributes)
        {
            Check(!string.IsNullOrWhiteSpace(name) && !name.StartsWith("ecs.", StringComparison.Ordinal),
                $"Attribute name '{name}' is empty or uses the reserved ecs. prefix.");
        }
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message);
        }
    }
}
