using System.Net;
using System.Text.Json;
using Docker.DotNet.Models;

namespace Berth.Agent.Docker;

/// <summary>
/// Every call the agent makes to a container engine, with answers in ECS's terms. <see cref="DockerDriver"/> speaks to
/// the real Docker Engine; tests drive task lifecycles through a fake. A refusal by the engine is a
/// <see cref="global::Docker.DotNet.DockerApiException"/>, whatever the implementation.
/// </summary>
internal interface IDockerDriver
{
    Task<DockerHostInfo> GetHostInfoAsync(CancellationToken cancellationToken);

    /// <summary>Exercises the engine's paths once so the first task does not pay for warming them up.</summary>
    Task WarmUpAsync(CancellationToken cancellationToken);

    /// <summary>The gateway of the default bridge network: the host as bridge containers see it.</summary>
    Task<IPAddress?> GetBridgeGatewayAsync(CancellationToken cancellationToken);

    /// <summary>Null when the image is there (or was pulled within <paramref name="pullTimeout"/>), else ECS's <c>CannotPullContainerError: …</c>.</summary>
    Task<string?> EnsureImageAsync(string image, TimeSpan pullTimeout, CancellationToken cancellationToken);

    /// <summary>The new container's id.</summary>
    Task<string> CreateContainerAsync(CreateContainerParameters parameters, CancellationToken cancellationToken);

    Task StartContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>SIGTERM (or the image's stop signal), then SIGKILL after <paramref name="timeout"/>; a stopped or missing container is fine.</summary>
    Task StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken);

    /// <summary>Force-removes the container and its anonymous volumes; a missing one is fine.</summary>
    Task RemoveContainerAsync(string id, CancellationToken cancellationToken);

    /// <summary>Null when the container no longer exists.</summary>
    Task<ContainerObservation?> InspectAsync(string id, CancellationToken cancellationToken);

    /// <summary>Every container (running or not) carrying all of <paramref name="labels"/>.</summary>
    Task<IReadOnlyList<ContainerListResponse>> ListContainersAsync(IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);

    Task<bool> VolumeExistsAsync(string name, CancellationToken cancellationToken);

    /// <summary>Creates the volume; creating an existing local volume with the same name is a no-op.</summary>
    Task CreateVolumeAsync(string name, string? driver, IReadOnlyDictionary<string, string>? driverOptions,
        IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>Names and labels of the volumes carrying all of <paramref name="labels"/>.</summary>
    Task<IReadOnlyList<(string Name, IDictionary<string, string> Labels)>> ListVolumesAsync(
        IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>Removes the volume; a missing one, or one still in use, is left for the next cleanup.</summary>
    Task RemoveVolumeAsync(string name, CancellationToken cancellationToken);

    /// <summary>Container events of one agent namespace, in order, until cancelled or the stream drops.</summary>
    Task MonitorEventsAsync(string agentNamespace, string since, Action<Message> onEvent, CancellationToken cancellationToken);

    /// <summary>A container's timestamped output from <paramref name="sinceNanos"/> on, following it; null when the container is gone.</summary>
    Task<Stream?> OpenLogsAsync(string id, long? sinceNanos, CancellationToken cancellationToken);

    /// <summary>Attaches a running container to a network at a fixed address (and MAC, where the engine honours one per endpoint).</summary>
    Task ConnectNetworkAsync(string network, string id, string ipv4Address, string macAddress, CancellationToken cancellationToken);

    /// <summary>Detaches a container from a network; it keeps running, without that endpoint.</summary>
    Task DisconnectNetworkAsync(string network, string id, CancellationToken cancellationToken);

    /// <summary>The bridge network of a subnet, created on first use; one with another CIDR is an error.</summary>
    Task EnsureNetworkAsync(string name, string cidr, string gateway, IDictionary<string, string> labels, CancellationToken cancellationToken);

    /// <summary>Starts <paramref name="command"/> in a running container with stdin, stdout and stderr attached (one stream with a TTY).</summary>
    Task<ExecProcess> StartExecAsync(string containerId, IReadOnlyList<string> command, bool tty, CancellationToken cancellationToken);

    /// <summary>Sets the TTY size of a command started with a TTY.</summary>
    Task ResizeExecAsync(string execId, int columns, int rows, CancellationToken cancellationToken);

    /// <summary>The exit code of a command whose output ended.</summary>
    Task<long> GetExecExitCodeAsync(string execId, CancellationToken cancellationToken);

    /// <summary>The engine's stats JSON for one container; null when it is gone or stopped while Docker answered.</summary>
    Task<JsonElement?> GetStatsAsync(string id, CancellationToken cancellationToken, bool oneShot = false);
}
