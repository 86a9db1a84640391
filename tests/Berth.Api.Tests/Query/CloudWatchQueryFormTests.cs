using System.Text;
using Berth.Api.Query;
using Berth.Core.CloudWatch;
using Berth.Core.Errors;

namespace Berth.Api.Tests.Query;

/// <summary>The query layer reading CloudWatch forms through CloudWatch's generated query schema.</summary>
public class CloudWatchQueryFormTests
{
    private static readonly ModelConstraints Constraints = new(CloudWatchQuerySchema.Model, member => new MissingRequiredParameterException(member));

    /// <summary>The form read as CloudWatch's query edge reads it, and checked as its operation table then checks it.</summary>
    private static string Read(params (string Key, string Value)[] form)
    {
        var json = new QueryRequestReader(CloudWatchQuerySchema.Model)
            .Read(new QueryForm(form.Select(p => KeyValuePair.Create(p.Key, p.Value))), "GetMetricDataInput");
        Constraints.Check("GetMetricDataInput", json, path: "");
        return json.ToJsonString();
    }

    [Fact]
    public void Members_become_lists_in_index_order_and_the_model_types_the_values()
    {
        var json = Read(
            ("MetricDataQueries.member.2.Id", "b"),
            ("MetricDataQueries.member.1.Id", "a"),
            ("MetricDataQueries.member.1.MetricStat.Period", "60"),
            ("MetricDataQueries.member.1.MetricStat.Stat", "Sum"),
            ("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name", "ClusterName"),
            ("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Value", "web"),
            ("MetricDataQueries.member.1.ReturnData", "false"),
            ("StartTime", "2026-12-01T10:00:00Z"),
            ("EndTime", "2026-12-01T11:00:00Z"));

        Assert.Equal(
            """{"MetricDataQueries":[{"Id":"a","MetricStat":{"Metric":{"Dimensions":[{"Name":"ClusterName","Value":"web"}]},"Period":60,"Stat":"Sum"},"ReturnData":false},{"Id":"b"}],"StartTime":"2026-12-01T10:00:00Z","EndTime":"2026-12-01T11:00:00Z"}""",
            json);
    }

    [Fact]
    public void A_required_member_that_is_not_there_is_cloudwatchs_missing_parameter_naming_its_path()
    {
        var error = Assert.Throws<MissingRequiredParameterException>(() => Read(
            ("MetricDataQueries.member.1.Id", "a"),
            ("MetricDataQueries.member.1.MetricStat.Period", "60"),
            ("MetricDataQueries.member.1.MetricStat.Stat", "Sum"),
            ("MetricDataQueries.member.1.MetricStat.Metric.Dimensions.member.1.Name", "ClusterName"),
            ("StartTime", "2026-12-01T10:00:00Z"),
            ("EndTime", "2026-12-01T11:00:00Z")));

        Assert.Equal(("MissingParameter", "The parameter MetricDataQueries[0].MetricStat.Metric.Dimensions[0].Value is required."),
            (error.QueryErrorCode, error.Message));
    }

    [Theory]
    [InlineData("Frobnicate", "1", "Frobnicate is not recognized")]
    [InlineData("MaxDatapoints", "many", "'many' at 'MaxDatapoints' is not a valid integer")]
    [InlineData("MaxDatapoints", "9999999999", "'9999999999' at 'MaxDatapoints' is out of range")]
    [InlineData("MetricDataQueries.member.1.MetricStat.Metric.Dimensions", "x", "Dimensions is not recognized")]
    [InlineData("MetricDataQueries.member.0.Id", "a", "MetricDataQueries.member.0.Id is not recognized")]
    [InlineData("MetricDataQueries.1.Id", "a", "MetricDataQueries.1.Id is not recognized")]
    [InlineData("StartTime", "yesterday", "'yesterday' at 'StartTime' is not a valid timestamp")]
    public void Parameters_the_model_does_not_allow_are_validation_errors(string key, string value, string detail)
    {
        var error = Assert.Throws<QueryValidationException>(() => Read((key, value)));

        Assert.Contains(detail, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    [InlineData("-Infinity")]
    public void Numbers_json_cannot_carry_are_refused(string value)
    {
        var error = Assert.Throws<QueryValidationException>(() => new QueryRequestReader(CloudWatchQuerySchema.Model)
            .Read(new QueryForm([KeyValuePair.Create("MetricData.member.1.Value", value)]), "PutMetricDataInput"));

        Assert.Contains("MetricData.member.1.Value", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_list_is_the_bare_name_and_encoded_values_are_decoded()
    {
        var form = QueryForm.Parse(Encoding.UTF8.GetBytes("Action=ListMetrics&Version=2010-08-01&Dimensions=&Namespace=My%20App%2Bx"));

        var json = new QueryRequestReader(CloudWatchQuerySchema.Model).Read(form, "ListMetricsInput");

        Assert.Equal(("My App+x", 0), (json["Namespace"]!.GetValue<string>(), json["Dimensions"]!.AsArray().Count));
    }
}
