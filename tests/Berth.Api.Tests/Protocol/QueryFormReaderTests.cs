using System.Text;
using Berth.Api.Protocol;
using Berth.Api.Protocol.Query;
using Berth.Core.CloudWatch;

namespace Berth.Api.Tests.Protocol;

public class QueryFormReaderTests
{
    private static string Read(params (string Key, string Value)[] form) =>
        Encoding.UTF8.GetString(QueryFormReader.ToJson(form.Select(p => KeyValuePair.Create(p.Key, p.Value)), CloudWatchJsonContext.Default.GetMetricDataInput));

    [Fact]
    public void Members_become_lists_in_index_order_and_the_model_types_the_values()
    {
        var json = Read(
            ("MetricDataQueries.member.2.Id", "b"),
            ("MetricDataQueries.member.1.Id", "a"),
            ("MetricDataQueries.member.1.MetricStat.Period", "60"),
            ("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name", "ClusterName"),
            ("MetricDataQueries.member.1.ReturnData", "false"),
            ("StartTime", "2026-12-01T10:00:00Z"));

        Assert.Equal(
            """{"MetricDataQueries":[{"Id":"a","MetricStat":{"Period":60,"Metric":{"Dimensions":[{"Name":"ClusterName"}]}},"ReturnData":false},{"Id":"b"}],"StartTime":"2026-12-01T10:00:00Z"}""",
            json);
    }

    [Theory]
    [InlineData("Frobnicate", "1", "unknown parameter Frobnicate")]
    [InlineData("MaxDatapoints", "many", "MaxDatapoints must be a number")]
    [InlineData("MetricDataQueries.member.0.Id", "a", "positive number")]
    [InlineData("MetricDataQueries.1.Id", "a", "needs MetricDataQueries.member.N")]
    public void Parameters_the_model_does_not_allow_are_serialization_errors(string key, string value, string detail)
    {
        var error = Assert.Throws<ProtocolException>(() => Read((key, value)));

        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }
}
