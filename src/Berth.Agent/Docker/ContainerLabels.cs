using Berth.Core.Agent;
using Docker.DotNet.Models;

namespace Berth.Agent.Docker;

internal static class ContainerLabels
{
    /// <summary>The task a container belongs to by its <see cref="DockerLabels.TaskArn"/> label; null for one Berth did not make.</summary>
    public static string? TaskArnOf(ContainerListResponse container) =>
        container.Labels is { } labels && labels.TryGetValue(DockerLabels.TaskArn, out var arn) ? arn : null;
}
