using static Berth.Core.Identity.Authorization.OperationRule;

namespace Berth.Core.Identity.Authorization.Services;

/// <summary>
/// Amazon CloudWatch, from "Actions, resources, and condition keys for Amazon CloudWatch". Metric operations
/// (PutMetricData, GetMetricData, ListMetrics…) have no resource-level permissions; dashboards are global.
/// </summary>
internal static class CloudWatchAuthorization
{
    private const string Prefix = "arn:${Partition}:cloudwatch:${Region}:${Account}:";

    public static readonly ServiceAuthorization Rules = new(
        "cloudwatch",
        [
            ResourceType.Named("alarm", Prefix + "alarm:${AlarmName}", "AlarmName", "AlarmName", "AlarmNames"),
            ResourceType.Named("alarm-mute-rule", Prefix + "alarm-mute-rule:${AlarmMuteRuleName}", "AlarmMuteRuleName", "AlarmMuteRuleName", "Name"),
            ResourceType.Named("dashboard", "arn:${Partition}:cloudwatch::${Account}:dashboard/${DashboardName}", "DashboardName",
                "DashboardName", "DashboardNames"),
            ResourceType.Named("insight-rule", Prefix + "insight-rule/${InsightRuleName}", "InsightRuleName", "RuleName", "RuleNames"),
            ResourceType.Named("metric-stream", Prefix + "metric-stream/${MetricStreamName}", "MetricStreamName", "Name", "Names"),
            ResourceType.Named("slo", Prefix + "slo/${SloName}", "SloName"),
        ],
        new Dictionary<string, VariableSource>(),
        new Dictionary<string, OperationRule>
        {
            ["DeleteAlarmMuteRule"] = Types("alarm-mute-rule"),
            ["DeleteAlarms"] = Types("alarm"),
            ["DeleteDashboards"] = Types("dashboard"),
            ["DeleteInsightRules"] = Types("insight-rule"),
            ["DeleteMetricStream"] = Types("metric-stream"),
            ["DescribeAlarmHistory"] = Types("alarm"),
            ["DescribeAlarms"] = Types("alarm"),
            ["DisableAlarmActions"] = Types("alarm"),
            ["DisableInsightRules"] = Types("insight-rule"),
            ["EnableAlarmActions"] = Types("alarm"),
            ["EnableInsightRules"] = Types("insight-rule"),
            ["GetAlarmMuteRule"] = Types("alarm-mute-rule"),
            ["GetDashboard"] = Types("dashboard"),
            ["GetInsightRuleReport"] = Types("insight-rule"),
            ["GetMetricStream"] = Types("metric-stream"),
            ["ListAlarmMuteRules"] = Types("alarm-mute-rule"),
            ["ListTagsForResource"] = ArnsIn("ResourceARN"),
            ["PutAlarmMuteRule"] = Types("alarm-mute-rule"),
            ["PutCompositeAlarm"] = Types("alarm"),
            ["PutDashboard"] = Types("dashboard"),
            ["PutInsightRule"] = Types("insight-rule"),
            ["PutMetricAlarm"] = Types("alarm"),
            ["PutMetricStream"] = Types("metric-stream"),
            ["SetAlarmState"] = Types("alarm"),
            ["StartMetricStreams"] = Types("metric-stream"),
            ["StopMetricStreams"] = Types("metric-stream"),
            ["TagResource"] = ArnsIn("ResourceARN"),
            ["UntagResource"] = ArnsIn("ResourceARN"),
        });
}
