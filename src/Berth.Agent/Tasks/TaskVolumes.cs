using System.Net;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Docker.DotNet;

namespace Berth.Agent.Tasks;

/// <summary>
/// Host paths and Docker volumes of one task's volumes. Task-scoped Docker volumes are named after the task (so they
/// are found again after a restart) and labelled for cleanup; shared ones are used by name.
/// </summary>
internal sealed class TaskVolumes(AgentRuntime runtime, string taskArn)
{
    // Containers of a task are created in parallel; the first creates the volumes, the others use them.
    private readonly SemaphoreSlim _once = new(1, 1);
    private Dictionary<string, string>? _sources;

    /// <summary>Bind source of each task volume. Docker's refusal is a <see cref="DockerApiException"/>; the next call tries again.</summary>
    public async Task<IReadOnlyDictionary<string, string>> EnsureAsync(TaskDefinition definition, CancellationToken cancellationToken)
    {
        await _once.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _sources ??= await CreateAsync(definition, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _once.Release();
        }
    }

    /// <summary>Removes the task-scoped Docker volumes (after the task's containers are gone).</summary>
    public async Task RemoveAsync(CancellationToken cancellationToken)
    {
        foreach (var volume in await runtime.Docker.ListVolumesAsync(new Dictionary<string, string>
        {
            [DockerLabels.TaskArn] = taskArn,
            [DockerLabels.AgentNamespace] = runtime.AgentNamespace,
        }, cancellationToken).ConfigureAwait(false))
        {
            await runtime.Docker.RemoveVolumeAsync(volume.Name, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Dictionary<string, string>> CreateAsync(TaskDefinition definition, CancellationToken cancellationToken)
    {
        var sources = new Dictionary<string, string>(StringComparer.Ordinal);
        var labels = new Dictionary<string, string>
        {
            [DockerLabels.TaskArn] = taskArn,
            [DockerLabels.AgentNamespace] = runtime.AgentNamespace,
            [DockerLabels.Cluster] = runtime.Cluster,
        };
        foreach (var volume in definition.Volumes ?? [])
        {
            if (volume.Name is null)
            {
                continue;
            }
            if (volume.Host?.SourcePath is { Length: > 0 } path)
            {
                sources[volume.Name] = path;
                continue;
            }
            var docker = volume.DockerVolumeConfiguration;
            if (docker?.Scope == "shared")
            {
                if (!await runtime.Docker.VolumeExistsAsync(volume.Name, cancellationToken).ConfigureAwait(false))
                {
                    if (docker.Autoprovision != true)
                    {
                        throw new DockerApiException(HttpStatusCode.NotFound,
                            $$"""{"message":"shared volume '{{volume.Name}}' does not exist and autoprovision is off"}""");
                    }
                    await runtime.Docker.CreateVolumeAsync(volume.Name, docker.Driver, docker.DriverOpts,
                        docker.Labels ?? new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false);
                }
                sources[volume.Name] = volume.Name;
                continue;
            }
            var name = NameOf(definition, volume.Name);
            var volumeLabels = new Dictionary<string, string>(docker?.Labels ?? new Dictionary<string, string>());
            foreach (var (key, value) in labels)
            {
                volumeLabels[key] = value;
            }
            await runtime.Docker.CreateVolumeAsync(name, docker?.Driver, docker?.DriverOpts, volumeLabels, cancellationToken).ConfigureAwait(false);
            sources[volume.Name] = name;
        }
        return sources;
    }

    private string NameOf(TaskDefinition definition, string volume)
    {
        var taskId = taskArn[(taskArn.LastIndexOf('/') + 1)..];
        var raw = $"ecs-{definition.Family}-{definition.Revision ?? 0}-{volume}-{taskId}";
        return string.Concat(raw.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' or '-' ? ch : '-'));
    }
}
