using Berth.Core.Ecs;

namespace Berth.Core.Logs;

/// <summary>
/// A container's <c>awslogs</c> log configuration: where its stdout/stderr go and how lines become events. Stream
/// names follow ECS: <c>prefix/container-name/task-id</c> with awslogs-stream-prefix, otherwise awslogs-stream, otherwise
/// the Docker container id. <see cref="AwsLogsOptionRules.Problem"/> says whether Docker's awslogs driver would take the
/// options at all.
/// https://docs.aws.amazon.com/AmazonECS/latest/developerguide/using_awslogs.html
/// </summary>
public sealed record AwsLogsOptions(string Group, string? Region, string? StreamPrefix, bool CreateGroup)
{
    public const string Driver = "awslogs";

    /// <summary>As Docker's driver: every line starts an event unless a multiline pattern says which lines do.</summary>
    public static readonly TimeSpan DefaultForceFlushInterval = TimeSpan.FromSeconds(5);

    /// <summary>awslogs-stream: the stream's name when there is no awslogs-stream-prefix.</summary>
    public string? Stream { get; init; }

    /// <summary>
    /// The regular expression (RE2 syntax, as Docker compiles it) of a line that starts a new event, from
    /// awslogs-multiline-pattern or awslogs-datetime-format; null when every line is an event of its own.
    /// </summary>
    public string? MultilinePattern { get; init; }

    /// <summary>How long an unfinished multiline event waits for its next line before it is sent as it is.</summary>
    public TimeSpan ForceFlushInterval { get; init; } = DefaultForceFlushInterval;

    /// <summary>The options of an awslogs container, or null for any other driver (or none).</summary>
    public static AwsLogsOptions? Of(ContainerDefinition definition)
    {
        if (definition.LogConfiguration is not { LogDriver: Driver } configuration)
        {
            return null;
        }
        var options = configuration.Options ?? new Dictionary<string, string>();
        return new AwsLogsOptions(
            options.GetValueOrDefault(AwsLogsOptionRules.Group) ?? "",
            options.GetValueOrDefault(AwsLogsOptionRules.Region),
            options.GetValueOrDefault(AwsLogsOptionRules.StreamPrefix) is { Length: > 0 } prefix ? prefix : null,
            AwsLogsOptionRules.ParseBool(options.GetValueOrDefault(AwsLogsOptionRules.CreateGroup)) == true)
        {
            Stream = options.GetValueOrDefault(AwsLogsOptionRules.Stream) is { Length: > 0 } stream ? stream : null,
            MultilinePattern = AwsLogsOptionRules.MultilinePatternOf(options),
            ForceFlushInterval = int.TryParse(options.GetValueOrDefault(AwsLogsOptionRules.ForceFlushInterval), out var seconds) && seconds > 0
                ? TimeSpan.FromSeconds(seconds)
                : DefaultForceFlushInterval,
        };
    }

    public string StreamName(string containerName, string taskArn, string dockerContainerId) =>
        StreamPrefix is { } prefix ? $"{prefix}/{containerName}/{taskArn[(taskArn.LastIndexOf('/') + 1)..]}" : Stream ?? dockerContainerId;
}
