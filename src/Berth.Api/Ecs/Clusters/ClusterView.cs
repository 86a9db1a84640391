using Berth.Core.Clusters;
using Berth.Core.Ecs;
using Berth.Core.Errors;

namespace Berth.Api.Ecs.Clusters;

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

    /// <param name="statistics">The cluster's counts, read only when the view shows <see cref="Statistics"/>.</param>
    public Cluster Shape(Cluster cluster, ClusterStatistics? statistics) => cluster with
    {
        Tags = Tags ? cluster.Tags : null,
        Settings = Settings ? cluster.Settings : null,
        Configuration = Configurations ? cluster.Configuration : null,
        Attachments = Attachments ? cluster.Attachments : null,
        Statistics = statistics?.ToKeyValuePairs() ?? [],
    };
}
