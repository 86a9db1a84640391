using System.Text.Json.Nodes;
using Berth.Api.Tests.CloudWatch;
using Berth.Api.Tests.Ecs;

namespace Berth.Api.Tests.AutoScaling;

/// <summary>Application Auto Scaling's configuration API over HTTP: targets, policies with their alarms, scheduled actions.</summary>
public class AutoScalingApiTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private EcsClient Scaling => new(server.Http, _ecs.Region, "AnyScaleFrontendService");

    private CloudWatchClient CloudWatch => new(server.Http, _ecs.Region);

    private static readonly object Target = new { ServiceNamespace = "ecs", ResourceId = "service/app/web", ScalableDimension = "ecs:service:DesiredCount" };

    private async Task ServiceAsync()
    {
        await ClusterCapacity.ClusterWithWebAsync(_ecs, "app");
        await _ecs.OkAsync("CreateService", new { cluster = "app", serviceName = "web", taskDefinition = "web", desiredCount = 1 });
    }

    private Task<JsonNode> RegisterAsync(int min, int max) => Scaling.OkAsync("RegisterScalableTarget", new
    {
        ServiceNamespace = "ecs",
        ResourceId = "service/app/web",
        ScalableDimension = "ecs:service:DesiredCount",
        MinCapacity = min,
        MaxCapacity = max,
    });

    private async Task<IReadOnlyList<string>> AlarmNamesAsync() =>
        [.. (await CloudWatch.JsonAsync("DescribeAlarms", new JsonObject())).Body!["MetricAlarms"]!.AsArray().Select(a => a!["AlarmName"]!.GetValue<string>())];

    [Fact]
    public async Task A_target_tracking_policy_creates_its_alarms_and_takes_them_when_it_goes()
    {
        await ServiceAsync();
        var arn = (await RegisterAsync(1, 4))["ScalableTargetARN"]!.GetValue<string>();

        var put = await Scaling.OkAsync("PutScalingPolicy", new
        {
            PolicyName = "cpu50",
            ServiceNamespace = "ecs",
            ResourceId = "service/app/web",
            ScalableDimension = "ecs:service:DesiredCount",
            PolicyType = "TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration = new
            {
                TargetValue = 50.0,
                PredefinedMetricSpecification = new { PredefinedMetricType = "ECSServiceAverageCPUUtilization" },
                ScaleOutCooldown = 60,
                ScaleInCooldown = 120,
            },
        });
        var alarms = (await CloudWatch.JsonAsync("DescribeAlarms", new JsonObject())).Body!["MetricAlarms"]!.AsArray();
        var described = await Scaling.OkAsync("DescribeScalingPolicies", new { ServiceNamespace = "ecs", ResourceId = "service/app/web" });
        var targets = await Scaling.OkAsync("DescribeScalableTargets", new { ServiceNamespace = "ecs" });

        Assert.StartsWith("arn:aws:application-autoscaling:", arn, StringComparison.Ordinal);
        Assert.Equal((1, 4), (targets["ScalableTargets"]![0]!["MinCapacity"]!.GetValue<int>(), targets["ScalableTargets"]![0]!["MaxCapacity"]!.GetValue<int>()));
        var policyArn = put["PolicyARN"]!.GetValue<string>();
        Assert.Matches("^arn:aws:autoscaling:[^:]+:000000000000:scalingPolicy:[0-9a-f-]{36}:resource/ecs/service/app/web:policyName/cpu50$", policyArn);
        Assert.Equal(2, put["Alarms"]!.AsArray().Count);
        var high = alarms.Single(a => a!["AlarmName"]!.GetValue<string>().Contains("-AlarmHigh-", StringComparison.Ordinal))!;
        var low = alarms.Single(a => a!["AlarmName"]!.GetValue<string>().Contains("-AlarmLow-", StringComparison.Ordinal))!;
        Assert.Matches("^TargetTracking-service/app/web-AlarmHigh-[0-9a-f-]{36}$", high["AlarmName"]!.GetValue<string>());
        Assert.Equal(("AWS/ECS", "CPUUtilization", 50.0, 3, "GreaterThanThreshold"),
            (high["Namespace"]!.GetValue<string>(), high["MetricName"]!.GetValue<string>(), high["Threshold"]!.GetValue<double>(), high["EvaluationPeriods"]!.GetValue<int>(),
                high["ComparisonOperator"]!.GetValue<string>()));
        Assert.Equal((45.0, 15, "LessThanThreshold"), (low["Threshold"]!.GetValue<double>(), low["EvaluationPeriods"]!.GetValue<int>(), low["ComparisonOperator"]!.GetValue<string>()));
        Assert.Equal([policyArn], high["AlarmActions"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(2, described["ScalingPolicies"]![0]!["Alarms"]!.AsArray().Count);

        await Scaling.OkAsync("DeleteScalingPolicy", new { PolicyName = "cpu50", ServiceNamespace = "ecs", ResourceId = "service/app/web", ScalableDimension = "ecs:service:DesiredCount" });

        Assert.Empty(await AlarmNamesAsync());
        Assert.Empty((await Scaling.OkAsync("DescribeScalingPolicies", new { ServiceNamespace = "ecs" }))["ScalingPolicies"]!.AsArray());
    }

    [Fact]
    public async Task Updating_a_target_tracking_policy_keeps_its_alarms_and_every_other_alarm()
    {
        await ServiceAsync();
        await RegisterAsync(1, 4);
        object Policy(double target) => new
        {
            PolicyName = "cpu",
            ServiceNamespace = "ecs",
            ResourceId = "service/app/web",
            ScalableDimension = "ecs:service:DesiredCount",
            PolicyType = "TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration = new { TargetValue = target, PredefinedMetricSpecification = new { PredefinedMetricType = "ECSServiceAverageCPUUtilization" } },
        };
        var owned = (await Scaling.OkAsync("PutScalingPolicy", Policy(50)))["Alarms"]!.AsArray().Select(a => a!["AlarmName"]!.GetValue<string>()).ToList();
        await CloudWatch.JsonAsync("PutMetricAlarm", CloudWatchClient.SumAlarm("unrelated"));

        var updated = await Scaling.OkAsync("PutScalingPolicy", Policy(70));

        Assert.Equal(owned, updated["Alarms"]!.AsArray().Select(a => a!["AlarmName"]!.GetValue<string>()));
        Assert.Equal([.. owned, "unrelated"], (await AlarmNamesAsync()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Deregistering_a_target_deletes_its_policies_alarms_and_scheduled_actions()
    {
        await ServiceAsync();
        await RegisterAsync(0, 3);
        var step = await Scaling.OkAsync("PutScalingPolicy", new
        {
            PolicyName = "step",
            ServiceNamespace = "ecs",
            ResourceId = "service/app/web",
            ScalableDimension = "ecs:service:DesiredCount",
            PolicyType = "StepScaling",
            StepScalingPolicyConfiguration = new
            {
                AdjustmentType = "ChangeInCapacity",
                StepAdjustments = new object[] { new { MetricIntervalLowerBound = 0.0, MetricIntervalUpperBound = 20.0, ScalingAdjustment = 1 }, new { MetricIntervalLowerBound = 20.0, ScalingAdjustment = 2 } },
                Cooldown = 60,
            },
        });
        await Scaling.OkAsync("PutScalingPolicy", new
        {
            PolicyName = "mem",
            ServiceNamespace = "ecs",
            ResourceId = "service/app/web",
            ScalableDimension = "ecs:service:DesiredCount",
            PolicyType = "TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration = new { TargetValue = 70.0, PredefinedMetricSpecification = new { PredefinedMetricType = "ECSServiceAverageMemoryUtilization" }, DisableScaleIn = true },
        });
        var alarm = new JsonObject
        {
            ["AlarmName"] = "queue-deep",
            ["Namespace"] = "App",
            ["MetricName"] = "Queue",
            ["Statistic"] = "Maximum",
            ["Period"] = 60,
            ["EvaluationPeriods"] = 1,
            ["Threshold"] = 100,
            ["ComparisonOperator"] = "GreaterThanThreshold",
            ["AlarmActions"] = new JsonArray(step["PolicyARN"]!.DeepClone()),
        };
        await CloudWatch.JsonAsync("PutMetricAlarm", alarm);
        await Scaling.OkAsync("PutScheduledAction", new
        {
            ServiceNamespace = "ecs",
            ResourceId = "service/app/web",
            ScalableDimension = "ecs:service:DesiredCount",
            ScheduledActionName = "night",
            Schedule = "cron(0 22 ? * MON-FRI *)",
            Timezone = "Europe/Paris",
            ScalableTargetAction = new { MinCapacity = 0, MaxCapacity = 0 },
        });
        var stepAlarms = (await Scaling.OkAsync("DescribeScalingPolicies", new { ServiceNamespace = "ecs", PolicyNames = new[] { "step" } }))["ScalingPolicies"]![0]!["Alarms"]!;
        var scheduled = await Scaling.OkAsync("DescribeScheduledActions", new { ServiceNamespace = "ecs" });

        await Scaling.OkAsync("DeregisterScalableTarget", Target);

        Assert.Equal(["queue-deep"], stepAlarms.AsArray().Select(a => a!["AlarmName"]!.GetValue<string>()));
        Assert.Equal("cron(0 22 ? * MON-FRI *)", scheduled["ScheduledActions"]![0]!["Schedule"]!.GetValue<string>());
        Assert.Equal(["queue-deep"], await AlarmNamesAsync());
        Assert.Empty((await Scaling.OkAsync("DescribeScalableTargets", new { ServiceNamespace = "ecs" }))["ScalableTargets"]!.AsArray());
        Assert.Empty((await Scaling.OkAsync("DescribeScheduledActions", new { ServiceNamespace = "ecs" }))["ScheduledActions"]!.AsArray());
    }

    [Fact]
    public async Task Scheduled_actions_are_described_by_name_and_a_page_at_a_time()
    {
        await _ecs.OkAsync("CreateCluster", new { clusterName = "paged" });
        await ClusterCapacity.RegisterWebAsync(_ecs, "paged-web", cpu: 256, memory: 256);
        await _ecs.OkAsync("CreateService", new { cluster = "paged", serviceName = "web", taskDefinition = "paged-web", desiredCount = 0 });
        static JsonObject OnTarget() => new() { ["ServiceNamespace"] = "ecs", ["ResourceId"] = "service/paged/web", ["ScalableDimension"] = "ecs:service:DesiredCount" };
        var target = OnTarget();
        target["MinCapacity"] = 0;
        target["MaxCapacity"] = 2;
        await Scaling.OkAsync("RegisterScalableTarget", target);
        foreach (var name in new[] { "a", "b", "c" })
        {
            var action = OnTarget();
            action["ScheduledActionName"] = name;
            action["Schedule"] = "cron(0 22 ? * MON-FRI *)";
            action["ScalableTargetAction"] = new JsonObject { ["MinCapacity"] = 0, ["MaxCapacity"] = 0 };
            await Scaling.OkAsync("PutScheduledAction", action);
        }
        static IEnumerable<string> Names(JsonNode page) => page["ScheduledActions"]!.AsArray().Select(a => a!["ScheduledActionName"]!.GetValue<string>());

        var named = await Scaling.OkAsync("DescribeScheduledActions", new { ServiceNamespace = "ecs", ResourceId = "service/paged/web", ScheduledActionNames = new[] { "c", "a" } });
        var first = await Scaling.OkAsync("DescribeScheduledActions", new { ServiceNamespace = "ecs", ResourceId = "service/paged/web", MaxResults = 2 });
        var second = await Scaling.OkAsync("DescribeScheduledActions", new
        {
            ServiceNamespace = "ecs",
            ResourceId = "service/paged/web",
            MaxResults = 2,
            NextToken = first["NextToken"]!.GetValue<string>(),
        });
        await Scaling.OkAsync("DeregisterScalableTarget", OnTarget());

        Assert.Equal(["a", "c"], Names(named));
        Assert.Equal(["a", "b"], Names(first));
        Assert.Equal(["c"], Names(second));
        Assert.Null(second["NextToken"]);
    }

    [Fact]
    public async Task What_berth_cannot_scale_or_does_not_know_is_refused_as_application_auto_scaling_refuses_it()
    {
        await ServiceAsync();
        var dynamo = await Scaling.ErrorAsync("RegisterScalableTarget", new
        {
            ServiceNamespace = "dynamodb",
            ResourceId = "table/t",
            ScalableDimension = "dynamodb:table:ReadCapacityUnits",
            MinCapacity = 1,
            MaxCapacity = 2,
        });
        var noService = await Scaling.ErrorAsync("RegisterScalableTarget", new
        {
            ServiceNamespace = "ecs",
            ResourceId = "service/app/none",
            ScalableDimension = "ecs:service:DesiredCount",
            MinCapacity = 1,
            MaxCapacity = 2,
        });
        var inverted = await Scaling.ErrorAsync("RegisterScalableTarget", new
        {
            ServiceNamespace = "ecs",
            ResourceId = "service/app/web",
            ScalableDimension = "ecs:service:DesiredCount",
            MinCapacity = 3,
            MaxCapacity = 2,
        });
        var noTarget = await Scaling.ErrorAsync("PutScalingPolicy", new
        {
            PolicyName = "p",
            ServiceNamespace = "ecs",
            ResourceId = "service/app/web",
            ScalableDimension = "ecs:service:DesiredCount",
            PolicyType = "StepScaling",
            StepScalingPolicyConfiguration = new { AdjustmentType = "ChangeInCapacity", StepAdjustments = new[] { new { MetricIntervalLowerBound = 0.0, ScalingAdjustment = 1 } } },
        });
        await RegisterAsync(1, 2);
        var badCron = await Scaling.ErrorAsync("PutScheduledAction", new
        {
            ServiceNamespace = "ecs",
            ResourceId = "service/app/web",
            ScalableDimension = "ecs:service:DesiredCount",
            ScheduledActionName = "s",
            Schedule = "cron(0 22 L * ? *)",
            ScalableTargetAction = new { MinCapacity = 1 },
        });
        var gap = await Scaling.ErrorAsync("PutScalingPolicy", new
        {
            PolicyName = "p",
            ServiceNamespace = "ecs",
            ResourceId = "service/app/web",
            ScalableDimension = "ecs:service:DesiredCount",
            PolicyType = "StepScaling",
            StepScalingPolicyConfiguration = new
            {
                AdjustmentType = "ChangeInCapacity",
                StepAdjustments = new object[] { new { MetricIntervalUpperBound = 0.0, ScalingAdjustment = -1 }, new { MetricIntervalLowerBound = 10.0, ScalingAdjustment = 1 } },
            },
        });

        Assert.Equal("ValidationException", dynamo.Type);
        Assert.Contains("Berth scales only ECS services", dynamo.Message, StringComparison.Ordinal);
        Assert.Equal(("ValidationException", "ECS service doesn't exist: service/app/none"), noService);
        Assert.Equal("ValidationException", inverted.Type);
        Assert.Equal("ObjectNotFoundException", noTarget.Type);
        Assert.Contains("L, W or #", badCron.Message, StringComparison.Ordinal);
        Assert.Contains("gaps", gap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scalable_targets_are_tagged_by_arn()
    {
        await ServiceAsync();
        var arn = (await RegisterAsync(1, 2))["ScalableTargetARN"]!.GetValue<string>();

        await Scaling.OkAsync("TagResource", new { ResourceARN = arn, Tags = new Dictionary<string, string> { ["team"] = "web", ["env"] = "prod" } });
        await Scaling.OkAsync("UntagResource", new { ResourceARN = arn, TagKeys = new[] { "team" } });

        JsonAssert.Equal("""{"Tags":{"env":"prod"}}""", await Scaling.OkAsync("ListTagsForResource", new { ResourceARN = arn }));
    }
}
