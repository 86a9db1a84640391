using System.Globalization;
using Berth.Api.Protocol;
using Berth.Core.CloudWatch;
using Berth.Core.Metrics;
using Berth.Store.Metrics;

namespace Berth.Api.CloudWatch;

/// <summary>PutMetricData, GetMetricStatistics, GetMetricData and ListMetrics over the metric store.</summary>
internal sealed class MetricHandler(IMetricStore store)
{
    /// <summary>ListMetrics pages hold up to 500 metrics, as CloudWatch's do.</summary>
    private const int ListPageSize = 500;

    public void Register(JsonService service) => service
        .Add<PutMetricDataInput, PutMetricDataOutput>(PutMetricDataAsync)
        .Add<GetMetricStatisticsInput, GetMetricStatisticsOutput>(GetMetricStatisticsAsync)
        .Add<GetMetricDataInput, GetMetricDataOutput>(GetMetricDataAsync)
        .Add<ListMetricsInput, ListMetricsOutput>(ListMetricsAsync);

    /// <summary>The store's scope of a request: CloudWatch metrics belong to one account and region.</summary>
    public static string ScopeOf(RequestContext context) => MetricScopes.Of(context.Scope);

    private async Task<PutMetricDataOutput> PutMetricDataAsync(PutMetricDataInput input, RequestContext context, CancellationToken cancellationToken)
    {
        await store.PutAsync(ScopeOf(context), MetricDataRules.ToPoints(input, context.Now), cancellationToken).ConfigureAwait(false);
        return new PutMetricDataOutput();
    }

    private async Task<GetMetricStatisticsOutput> GetMetricStatisticsAsync(GetMetricStatisticsInput input, RequestContext context, CancellationToken cancellationToken)
    {
        var series = MetricQueries.SeriesOf(input);
        var statistics = MetricQueries.ValidateStatistics(input, context.Now);
        var stored = await store.ReadAsync(ScopeOf(context), series, input.StartTime!.Value, input.EndTime!.Value, cancellationToken).ConfigureAwait(false);
        return new GetMetricStatisticsOutput { Label = series.MetricName, Datapoints = MetricQueries.Datapoints(input, statistics, stored) };
    }

    private async Task<GetMetricDataOutput> GetMetricDataAsync(GetMetricDataInput input, RequestContext context, CancellationToken cancellationToken)
    {
        var queries = MetricQueries.ValidateDataQueries(input, context.Now);
        var results = new List<MetricDataResult>();
        foreach (var query in queries.Where(q => q.ReturnData))
        {
            var stored = await store.ReadAsync(ScopeOf(context), query.Series, input.StartTime!.Value, input.EndTime!.Value, cancellationToken).ConfigureAwait(false);
            results.Add(MetricQueries.Result(query, input, stored));
        }
        return new GetMetricDataOutput { MetricDataResults = results, Messages = [] };
    }

    private async Task<ListMetricsOutput> ListMetricsAsync(ListMetricsInput input, RequestContext context, CancellationToken cancellationToken)
    {
        if (input.IncludeLinkedAccounts == true || input.OwningAccount is not null)
        {
            throw new InvalidParameterValueException("Berth has no cross-account observability: IncludeLinkedAccounts and OwningAccount are not supported.");
        }
        var offset = 0;
        if (input.NextToken is { } token && !int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            throw new InvalidNextToken();
        }
        // CloudWatch lists metrics with data in the last two weeks; RecentlyActive=PT3H narrows that to three hours.
        var since = input.RecentlyActive switch
        {
            null => context.Now - MetricDataRules.MaxAge,
            "PT3H" => context.Now.AddHours(-3),
            var other => throw new InvalidParameterValueException($"The value {other} for parameter RecentlyActive is not valid."),
        };
        var filters = input.Dimensions ?? [];
        var all = await store.ListAsync(ScopeOf(context), input.Namespace, input.MetricName, since, 0, int.MaxValue, cancellationToken).ConfigureAwait(false);
        var matching = all.Where(s => filters.All(f => s.Dimensions.Any(d => d.Key == f.Name && (f.Value is null || d.Value == f.Value)))).ToList();
        var page = matching.Skip(offset).Take(ListPageSize).ToList();
        return new ListMetricsOutput
        {
            Metrics = page.Select(s => s.ToMetric()).ToList(),
            NextToken = offset + page.Count < matching.Count ? (offset + page.Count).ToString(CultureInfo.InvariantCulture) : null,
        };
    }
}
