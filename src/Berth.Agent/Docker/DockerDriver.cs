using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Berth.Agent.Networking;
using Berth.Core.Agent;
using Docker.DotNet;
using Docker.DotNet.Models;
using Microsoft.Extensions.Logging;

namespace Berth.Agent.Docker;

/// <summary>
/// A thin driver over the Docker Engine API: every call the agent makes to Docker goes through here, and
/// Docker's answers come back in ECS's terms (<see cref="ContainerObservation"/>, pull error texts).
/// </summary>
internal sealed partial class DockerDriver : IDockerDriver, IDisposable
{
    private readonly DockerClient _client;
    private readonly HttpClient _raw;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _networkCreation = new(1, 1);

    public DockerDriver(Uri endpoint, ILogger<DockerDriver> logger)
    {
        // Stopping a container legitimately takes up to its stop timeout (≤ 120 s) before Docker answers.
        _client = new DockerClientBuilder().WithEndpoint(endpoint).WithTimeout(TimeSpan.FromMinutes(5)).Build();
        _raw = CreateRawClient(endpoint);
        _logger = logger;
    }

    public async Task<DockerHostInfo> GetHostInfoAsync(CancellationToken cancellationToken)
    {
        var info = await _client.System.GetSystemInfoAsync(cancellationToken).ConfigureAwait(false);
        var version = await _client.System.GetVersionAsync(cancellationToken).ConfigureAwait(false);
        var arch = info.Architecture switch
        {
            "aarch64" or "arm64" => "arm64",
            "x86_64" or "amd64" => "x86_64",
            var other => other,
        };
        return new DockerHostInfo((int)info.NCPU, info.MemTotal, arch, info.ServerVersion,
            System.Version.TryParse(version.APIVersion, out var api) ? api : new System.Version(1, 41));
    }

    /// <summary>
    /// Exercises the inspect and create paths once (a create of an image that does not exist is refused before
    /// anything is made), so the first task does not pay for JIT compilation and JSON set-up.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await InspectAsync("berth-agent-warm-up", cancellationToken).ConfigureAwait(false);
            await ImageExistsAsync("berth.invalid/warm-up:none", cancellationToken).ConfigureAwait(false);
            await _client.Containers.CreateContainerAsync(new CreateContainerParameters
            {
                Image = "berth.invalid/warm-up:none",
                Labels = new Dictionary<string, string> { [DockerLabels.AgentNamespace] = "berth-warm-up" },
                HostConfig = new HostConfig { PortBindings = new Dictionary<string, IList<PortBinding>>() },
            }, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException)
        {
        }
    }

    /// <summary>The gateway of Docker's default bridge network: the host as bridge containers see it.</summary>
    public async Task<IPAddress?> GetBridgeGatewayAsync(CancellationToken cancellationToken)
    {
        try
        {
            var bridge = await _client.Networks.InspectNetworkAsync("bridge", cancellationToken).ConfigureAwait(false);
            foreach (var config in bridge.IPAM?.Config ?? [])
            {
                if (IPAddress.TryParse(config.Gateway, out var gateway) && gateway.AddressFamily == AddressFamily.InterNetwork)
                {
                    return gateway;
                }
                // Older engines leave Gateway out of IPAM; the bridge takes the subnet's first address.
                if (config.Subnet is { } subnet && subnet.Split('/') is [var network, _]
                    && IPAddress.TryParse(network, out var net) && net.AddressFamily == AddressFamily.InterNetwork)
                {
                    var bytes = net.GetAddressBytes();
                    bytes[3] += 1;
                    return new IPAddress(bytes);
                }
            }
        }
        catch (DockerApiException e)
        {
            LogNoBridge(_logger, e.Message);
        }
        return null;
    }

    /// <summary>
    /// Uses the image when the engine has it, else tries one pull within <paramref name="pullTimeout"/>.
    /// Returns null on success, or the ECS error text (<c>CannotPullContainerError: …</c>) on failure.
    /// </summary>
    public async Task<string?> EnsureImageAsync(string image, TimeSpan pullTimeout, CancellationToken cancellationToken)
    {
        if (await ImageExistsAsync(image, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        var reference = ImageReference.Parse(image);
        string detail;
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            timeout.CancelAfter(pullTimeout);
            var errors = new PullErrors();
            try
            {
                LogPulling(_logger, image);
                await _client.Images.CreateImageAsync(
                    new ImagesCreateParameters { FromImage = reference.Repository, Tag = reference.PullTag },
                    null, errors, timeout.Token).ConfigureAwait(false);
                detail = errors.First ?? "not found";
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                detail = $"pull timed out after {pullTimeout.TotalSeconds:0} s";
            }
            catch (DockerApiException e)
            {
                detail = e.StatusCode == HttpStatusCode.NotFound ? "not found" : MessageOf(e);
            }
            catch (HttpRequestException e)
            {
                detail = e.Message;
            }
        }
        if (await ImageExistsAsync(image, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }
        return $"CannotPullContainerError: pull image manifest has been retried 1 time(s): failed to resolve ref {reference.Canonical}: {detail}";
    }

    private async Task<bool> ImageExistsAsync(string image, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Images.InspectImageAsync(image, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerImageNotFoundException)
        {
            return false;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    public async Task<string> CreateContainerAsync(CreateContainerParameters parameters, CancellationToken cancellationToken)
    {
        var created = await _client.Containers.CreateContainerAsync(parameters, cancellationToken).ConfigureAwait(false);
        return created.ID;
    }

    public Task StartContainerAsync(string id, CancellationToken cancellationToken) =>
        _client.Containers.StartContainerAsync(id, new ContainerStartParameters(), cancellationToken);

    /// <summary>SIGTERM (or the image's stop signal), then SIGKILL after <paramref name="timeout"/>; a stopped or missing container is fine.</summary>
    public async Task StopContainerAsync(string id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Containers.StopContainerAsync(id,
                new ContainerStopParameters { WaitBeforeKillSeconds = (uint)Math.Ceiling(timeout.TotalSeconds) },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
    }

    public async Task RemoveContainerAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true },
                cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // "removal already in progress"
        }
    }

    /// <summary>Null when the container no longer exists.</summary>
    public async Task<ContainerObservation?> InspectAsync(string id, CancellationToken cancellationToken)
    {
        ContainerInspectResponse inspect;
        try
        {
            inspect = await _client.Containers.InspectContainerAsync(id, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerContainerNotFoundException)
        {
            return null;
        }
        return ContainerObservation.From(inspect);
    }

    /// <summary>Every container (running or not) carrying all of <paramref name="labels"/>.</summary>
    public async Task<IReadOnlyList<ContainerListResponse>> ListContainersAsync(IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var filter = labels.ToDictionary(l => $"{l.Key}={l.Value}", _ => true);
        return (await _client.Containers.ListContainersAsync(new ContainersListParameters
        {
            All = true,
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = filter },
        }, cancellationToken).ConfigureAwait(false)).ToList();
    }

    public async Task<bool> VolumeExistsAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Volumes.InspectAsync(name, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Creates the volume; creating an existing local volume with the same name is a no-op in Docker.</summary>
    public Task CreateVolumeAsync(string name, string? driver, IReadOnlyDictionary<string, string>? driverOptions,
        IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken) =>
        _client.Volumes.CreateAsync(new VolumesCreateParameters
        {
            Name = name,
            Driver = driver ?? "local",
            DriverOpts = driverOptions?.ToDictionary(o => o.Key, o => o.Value) ?? new Dictionary<string, string>(),
            Labels = labels.ToDictionary(l => l.Key, l => l.Value),
        }, cancellationToken);

    /// <summary>Names and labels of the volumes carrying all of <paramref name="labels"/>.</summary>
    public async Task<IReadOnlyList<(string Name, IDictionary<string, string> Labels)>> ListVolumesAsync(
        IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var filter = labels.ToDictionary(l => $"{l.Key}={l.Value}", _ => true);
        var list = await _client.Volumes.ListAsync(new VolumesListParameters
        {
            Filters = new Dictionary<string, IDictionary<string, bool>> { ["label"] = filter },
        }, cancellationToken).ConfigureAwait(false);
        return list.Volumes?.Select(v => (v.Name, v.Labels ?? new Dictionary<string, string>())).ToList() ?? [];
    }

    public async Task RemoveVolumeAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            await _client.Volumes.RemoveAsync(name, force: true, cancellationToken).ConfigureAwait(false);
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.Conflict)
        {
            // Still in use by a container outside the task; the next cleanup tries again.
            LogVolumeInUse(_logger, name, MessageOf(e));
        }
    }

    /// <summary>
    /// Streams container events of one agent namespace until cancelled or the connection drops. Docker's
    /// events arrive in order on one stream; <paramref name="onEvent"/> is called on the reading thread.
    /// </summary>
    public Task MonitorEventsAsync(string agentNamespace, string since, Action<Message> onEvent, CancellationToken cancellationToken) =>
        _client.System.MonitorEventsAsync(new ContainerEventsParameters
        {
            Since = since,
            Filters = new Dictionary<string, IDictionary<string, bool>>
            {
                ["type"] = new Dictionary<string, bool> { ["container"] = true },
                ["label"] = new Dictionary<string, bool> { [$"{DockerLabels.AgentNamespace}={agentNamespace}"] = true },
            },
        }, new SyncProgress<Message>(onEvent), cancellationToken);

    /// <summary>
    /// A container's stdout and stderr with timestamps, from <paramref name="sinceNanos"/> (inclusive: Docker keeps
    /// lines at exactly that time) and following new output until the container stops. Null when the container is gone.
    /// The caller disposes the stream.
    /// </summary>
    public async Task<Stream?> OpenLogsAsync(string id, long? sinceNanos, CancellationToken cancellationToken)
    {
        var since = sinceNanos is { } nanos ? $"&since={Logs.DockerTimestamp.Since(nanos)}" : "";
        var response = await _raw.GetAsync(new Uri($"/containers/{Uri.EscapeDataString(id)}/logs?follow=1&stdout=1&stderr=1&timestamps=1{since}", UriKind.Relative),
            HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            response.Dispose();
            return null;
        }
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The bridge network of a subnet: created on first use with the subnet's CIDR and gateway, then shared by
    /// every task of the subnet on this engine. One that exists with another CIDR is an error, never reused.
    /// </summary>
    public Task ConnectNetworkAsync(string network, string id, string ipv4Address, string macAddress, CancellationToken cancellationToken) =>
        _client.Networks.ConnectNetworkAsync(network, new NetworkConnectParameters
        {
            Container = id,
            EndpointConfig = new EndpointSettings { IPAMConfig = new EndpointIPAMConfig { IPv4Address = ipv4Address }, MacAddress = macAddress },
        }, cancellationToken);

    public Task DisconnectNetworkAsync(string network, string id, CancellationToken cancellationToken) =>
        _client.Networks.DisconnectNetworkAsync(network, new NetworkDisconnectParameters { Container = id }, cancellationToken);

    public async Task EnsureNetworkAsync(string name, string cidr, string gateway, IDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        // Tasks of one subnet starting together would race to create it: one at a time in this agent.
        await _networkCreation.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var existing = await _client.Networks.ListNetworksAsync(new NetworksListParameters
                {
                    Filters = new Dictionary<string, IDictionary<string, bool>> { ["name"] = new Dictionary<string, bool> { [name] = true } },
                }, cancellationToken).ConfigureAwait(false);
                if (existing.FirstOrDefault(n => n.Name == name) is { } network)
                {
                    if (network.IPAM?.Config?.Any(c => c.Subnet == cidr) != true)
                    {
                        throw new DockerApiException(HttpStatusCode.Conflict,
                            $$"""{"message":"Docker network {{name}} exists with another subnet than {{cidr}}"}""");
                    }
                    return;
                }
                try
                {
                    await _client.Networks.CreateNetworkAsync(new NetworksCreateParameters
                    {
                        Name = name,
                        Driver = "bridge",
                        IPAM = new IPAM { Config = [new IPAMConfig { Subnet = cidr, Gateway = gateway, IPRange = PausePool.DynamicRangeOf(cidr) }] },
                        Labels = labels,
                    }, cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (DockerApiException) when (attempt < 5)
                {
                    // Another agent on this engine is creating it (Docker reserves the pool before it lists the
                    // network): look again shortly.
                    await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            _networkCreation.Release();
        }
    }

    /// <summary>
    /// Docker's own stats JSON for one container (one sample, as <c>docker stats --no-stream</c>). With
    /// <paramref name="oneShot"/> Docker answers at once without the second reading behind <c>precpu_stats</c>,
    /// for callers that keep their own previous reading.
    /// </summary>
    public async Task<ExecProcess> StartExecAsync(string containerId, IReadOnlyList<string> command, bool tty, CancellationToken cancellationToken)
    {
        var created = await _client.Exec.CreateContainerExecAsync(containerId, new ContainerExecCreateParameters
        {
            Cmd = command.ToList(),
            AttachStdin = true,
            AttachStdout = true,
            AttachStderr = true,
            TTY = tty,
        }, cancellationToken).ConfigureAwait(false);
        var stream = await _client.Exec.StartContainerExecAsync(created.ID, new ContainerExecStartParameters { TTY = tty }, cancellationToken).ConfigureAwait(false);
        return new ExecProcess(created.ID, stream);
    }

    public Task ResizeExecAsync(string execId, int columns, int rows, CancellationToken cancellationToken) =>
        _client.Exec.ResizeExecTtyAsync(execId, new ContainerResizeParameters { Width = columns, Height = rows }, cancellationToken);

    public async Task<long> GetExecExitCodeAsync(string execId, CancellationToken cancellationToken)
    {
        // The output can end a moment before the engine records the process as exited.
        for (var attempt = 0; ; attempt++)
        {
            var inspected = await _client.Exec.InspectContainerExecAsync(execId, cancellationToken).ConfigureAwait(false);
            if (!inspected.Running || attempt >= 100)
            {
                return inspected.ExitCode ?? -1;
            }
            await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<JsonElement?> GetStatsAsync(string id, CancellationToken cancellationToken, bool oneShot = false)
    {
        using var response = await _raw.GetAsync(new Uri($"/containers/{Uri.EscapeDataString(id)}/stats?stream=false{(oneShot ? "&one-shot=true" : "")}", UriKind.Relative),
            cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        response.EnsureSuccessStatusCode();
        // A container that stops while Docker answers gets a 200 with no body: no reading, as for one that is gone (a
        // parse error here made the stats sampler drop the whole interval's samples of every task).
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (body.Length == 0)
        {
            return null;
        }
        using var json = JsonDocument.Parse(body);
        return json.RootElement.Clone();
    }

    /// <summary>Docker's error text: the <c>message</c> of its JSON error body.</summary>
    public static string MessageOf(DockerApiException e)
    {
        try
        {
            using var json = JsonDocument.Parse(e.ResponseBody ?? "");
            if (json.RootElement.TryGetProperty("message", out var message) && message.GetString() is { Length: > 0 } text)
            {
                return text.Trim();
            }
        }
        catch (JsonException)
        {
        }
        return string.IsNullOrWhiteSpace(e.ResponseBody) ? e.Message : e.ResponseBody.Trim();
    }

    private static HttpClient CreateRawClient(Uri endpoint)
    {
        if (endpoint.Scheme == "unix")
        {
            var socketPath = endpoint.LocalPath;
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (_, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken).ConfigureAwait(false);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            return new HttpClient(handler) { BaseAddress = new Uri("http://docker"), Timeout = TimeSpan.FromSeconds(30) };
        }
        var builder = new UriBuilder(endpoint) { Scheme = "http" };
        return new HttpClient { BaseAddress = builder.Uri, Timeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose()
    {
        _client.Dispose();
        _raw.Dispose();
        _networkCreation.Dispose();
    }

    /// <summary>Calls back on the reporting thread, in order (Progress&lt;T&gt; would post to the thread pool, unordered).</summary>
    private sealed class SyncProgress<T>(Action<T> onReport) : IProgress<T>
    {
        public void Report(T value) => onReport(value);
    }

    /// <summary>Docker reports pull failures inside the progress stream, not as an HTTP error.</summary>
    private sealed class PullErrors : IProgress<JSONMessage>
    {
        public string? First { get; private set; }

        public void Report(JSONMessage value)
        {
            var text = value.Error?.Message;
            if (First is null && !string.IsNullOrWhiteSpace(text))
            {
                First = text.Trim();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Image {Image} is not on the engine; pulling it")]
    private static partial void LogPulling(ILogger logger, string image);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not inspect Docker's bridge network: {Error}")]
    private static partial void LogNoBridge(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Volume {Volume} is still in use; left for the next cleanup: {Error}")]
    private static partial void LogVolumeInUse(ILogger logger, string volume, string error);
}
