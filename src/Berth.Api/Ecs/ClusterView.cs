using Berth.Core.Ecs;
using Berth.Core.Errors;
using KeyValuePair = Berth.Core.Ecs.KeyValuePair;

namespace Berth.Api.Ecs;

/// <summary>
/// Which optional parts of a cluster a response shows. DescribeClusters leaves out tags, settings,
/// configuration and attachments unless <c>include</c> asks for them; the create, update and delete
/// calls show the cluster whole.
/// </summary>
internal sealed record ClusterView(bool Tags, bool Settings, bool Configurations, bool Attachments, bool Statistics)
{
    public static readonly ClusterView Full = new(true, true, true, true, false);

    public static ClusterView From(IReadOnlyList<string>? include)
    {
        var fields = include ?? [];
        foreach (var field in fields)
        {
            if (!EcsEnums.ClusterField.Contains(field))
            {
                throw new InvalidParameterException($"Invalid include value '{field}'. Valid values are: {string.Join(", ", EcsEnums.ClusterField.Order(StringComparer.Ordinal))}.");
            }
        }
        return new(fields.Contains("TAGS"), fields.Contains("SETTINGS"), fields.Contains("CONFIGURATIONS"), fields.Contains("ATTACHMENTS"), fields.Contains("STATISTICS"));
    }

    public Cluster Shape(Cluster cluster) => cluster with
    {
        Tags = Tags ? cluster.Tags : null,
        Settings = Settings ? cluster.Settings : null,
        Configuration = Configurations ? cluster.Configuration : null,
        Attachments = Attachments ? cluster.Attachments : null,
        Statistics = Statistics ? StatisticsOf(cluster) : [],
    };

    /// <summary>The per-launch-type counts of <c>include=STATISTICS</c>; every task and service is EC2 until Fargate lands.</summary>
    private static List<KeyValuePair> StatisticsOf(Cluster cluster) =>
    [
        Stat("runningEC2TasksCount", cluster.RunningTasksCount),
        Stat("runningFargateTasksCount", 0),
        Stat("pendingEC2TasksCount", cluster.PendingTasksCount),
        Stat("pendingFargateTasksCount", 0),
        Stat("activeEC2ServiceCount", cluster.ActiveServicesCount),
        Stat("activeFargateServiceCount", 0),
        Stat("drainingEC2ServiceCount", 0),
        Stat("drainingFargateServiceCount", 0),
    ];

    private static KeyValuePair Stat(string name, int? value) =>
        new() { Name = name, Value = (value ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
