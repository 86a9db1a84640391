using Berth.Core.Ecs;

namespace Berth.Core.Logs;

/// <summary>
/// A container's <c>awslogs</c> log configuration: where its stdout/stderr go. Stream names follow ECS:
/// <c>prefix/container-name/task-id</c> with awslogs-stream-prefix, otherwise the Docker container id.
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
/// </summary>
public sealed record AwsLogsOptions(string Group, string? Region, string? StreamPrefix, bool CreateGroup)
{
    public const string Driver = "awslogs";

    /// <summary>The options of an awslogs container, or null for any other driver (or none).</summary>
    public static AwsLogsOptions? Of(ContainerDefinition definition)
    {
        if (definition.LogConfiguration is not { LogDriver: Driver } configuration)
        {
            return null;
        }
        var options = configuration.Options ?? new Dictionary<string, string>();
        return new AwsLogsOptions(
            options.GetValueOrDefault("awslogs-group") ?? "",
            options.GetValueOrDefault("awslogs-region"),
            options.GetValueOrDefault("awslogs-stream-prefix") is { Length: > 0 } prefix ? prefix : null,
            string.Equals(options.GetValueOrDefault("awslogs-create-group"), "true", StringComparison.OrdinalIgnoreCase));
    }

    public string StreamName(string containerName, string taskArn, string dockerContainerId) =>
        StreamPrefix is { } prefix ? $"{prefix}/{containerName}/{taskArn[(taskArn.LastIndexOf('/') + 1)..]}" : dockerContainerId;
}
