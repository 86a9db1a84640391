using System.Text.Json.Nodes;
using Berth.Api.Tests.CloudWatch;
using Berth.Api.Tests.Ecs;
using Berth.Control.Alarms;
using Berth.Control.AutoScaling;
using Berth.Core.Alarms;
using Microsoft.Extensions.DependencyInjection;

namespace Berth.Api.Tests.AutoScaling;

/// <summary>
/// The scaling loop with the clock in the test's hands: alarms evaluated and scheduled actions run at a time the test
/// chooses (the server's own timers run too, at real time, and agree). No agents: the tasks a scale-out asks for stay
/// PENDING, and the desired count is what is checked.
/// </summary>
public class ScalingEngineTests(BerthServerFixture server) : IClassFixture<BerthServerFixture>
{
    private readonly EcsClient _ecs = server.NewClient();

    private EcsClient Scaling => new(server.Http, _ecs.Region, "AnyScaleFrontendService");

    private CloudWatchClient CloudWatch => new(server.Http, _ecs.Region);

    private async Task ServiceAsync(string name, int desired, int min, int max)
    {
        await ClusterCapacity.ClusterWithWebAsync(_ecs, "app");
        await _ecs.OkAsync("CreateService", new { cluster = "app", serviceName = name, taskDefinition = "web", desiredCount = desired });
        await Scaling.OkAsync("RegisterScalableTarget", new
        {
            ServiceNamespace = "ecs",
            ResourceId = $"service/app/{name}",
            ScalableDimension = "ecs:service:DesiredCount",
            MinCapacity = min,
            MaxCapacity = max,
        });
    }

    private async Task<int> DesiredCountAsync(string name) =>
        (await _ecs.OkAsync("DescribeServices", new { cluster = "app", services = new[] { name } }))["services"]![0]!["desiredCount"]!.GetValue<int>();

    private async Task<JsonArray> ActivitiesAsync(string name) =>
        (await Scaling.OkAsync("DescribeScalingActivities", new { ServiceNamespace = "ecs", ResourceId = $"service/app/{name}" }))["ScalingActivities"]!.AsArray();

    private async Task<string> StepPolicyAsync(string service, string name, string adjustmentType, int adjustment, int cooldown = 0) =>
        (await Scaling.OkAsync("PutScalingPolicy", new
        {
            PolicyName = name,
            ServiceNamespace = "ecs",
            ResourceId = $"service/app/{service}",
            ScalableDimension = "ecs:service:DesiredCount",
            PolicyType = "StepScaling",
            StepScalingPolicyConfiguration = new { AdjustmentType = adjustmentType, StepAdjustments = new[] { new { MetricIntervalLowerBound = 0.0, ScalingAdjustment = adjustment } }, Cooldown = cooldown },
        }))["PolicyARN"]!.GetValue<string>();

    private Task SetAlarmAsync(string name, string state) =>
        CloudWatch.JsonAsync("SetAlarmState", new JsonObject { ["AlarmName"] = name, ["StateValue"] = state, ["StateReason"] = "test" });

    private async Task AlarmAsync(string name, string policyArn)
    {
        var alarm = CloudWatchClient.SumAlarm(name, metricName: name);
        alarm["AlarmActions"] = new JsonArray(policyArn);
        await CloudWatch.JsonAsync("PutMetricAlarm", alarm);
    }

    [Fact]
    public async Task Target_tracking_scales_out_in_proportion_when_its_high_alarm_fires()
    {
        await ServiceAsync("tracked", desired: 1, min: 1, max: 5);
        var put = await Scaling.OkAsync("PutScalingPolicy", new
        {
            PolicyName = "load50",
            ServiceNamespace = "ecs",
            ResourceId = "service/app/tracked",
            ScalableDimension = "ecs:service:DesiredCount",
            PolicyType = "TargetTrackingScaling",
            TargetTrackingScalingPolicyConfiguration = new
            {
                TargetValue = 50.0,
                CustomizedMetricSpecification = new { Namespace = "App", MetricName = "Load", Statistic = "Average", Dimensions = new[] { new { Name = "Service", Value = "tracked" } } },
            },
        });
        var now = DateTimeOffset.UtcNow;
        var (start, _) = AlarmPeriods.Range(now, 60, 3);
        var data = new JsonArray([.. Enumerable.Range(0, 3).Select(i => (JsonNode)new JsonObject
        {
            ["MetricName"] = "Load",
            ["Dimensions"] = new JsonArray(new JsonObject { ["Name"] = "Service", ["Value"] = "tracked" }),
            ["Timestamp"] = start.AddMinutes(i).AddSeconds(5).ToUnixTimeSeconds(),
            ["Value"] = 120,
        })]);
        await CloudWatch.JsonAsync("PutMetricData", new JsonObject { ["Namespace"] = "App", ["MetricData"] = data });

        await server.Services.GetRequiredService<MetricAlarms>().EvaluateAllAsync(now, CancellationToken.None);

        // 1 task at 120 against a target of 50: ceil(1 × 120 / 50) = 3.
        Assert.Equal(3, await DesiredCountAsync("tracked"));
        var activity = (await ActivitiesAsync("tracked"))[0]!;
        var high = put["Alarms"]!.AsArray().Select(a => a!["AlarmName"]!.GetValue<string>()).Single(n => n.Contains("AlarmHigh", StringComparison.Ordinal));
        Assert.Equal(("Setting desired count to 3.", $"monitor alarm {high} in state ALARM triggered policy load50",
                "Successfully set desired count to 3. Change successfully fulfilled by ecs.", "Successful"),
            (activity["Description"]!.GetValue<string>(), activity["Cause"]!.GetValue<string>(), activity["StatusMessage"]!.GetValue<string>(), activity["StatusCode"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Step_scaling_takes_a_service_to_zero_and_back_within_its_range()
    {
        await ServiceAsync("steps", desired: 2, min: 0, max: 3);
        await AlarmAsync("idle", await StepPolicyAsync("steps", "to-zero", "ExactCapacity", 0));
        await AlarmAsync("busy", await StepPolicyAsync("steps", "add-two", "ChangeInCapacity", 2));

        await CloudWatch.JsonAsync("SetAlarmState", new JsonObject { ["AlarmName"] = "idle", ["StateValue"] = "ALARM", ["StateReason"] = "idle" });
        var atZero = await DesiredCountAsync("steps");
        await CloudWatch.JsonAsync("SetAlarmState", new JsonObject { ["AlarmName"] = "busy", ["StateValue"] = "ALARM", ["StateReason"] = "busy" });
        var back = await DesiredCountAsync("steps");
        await CloudWatch.JsonAsync("SetAlarmState", new JsonObject { ["AlarmName"] = "busy", ["StateValue"] = "OK", ["StateReason"] = "calm" });
        await CloudWatch.JsonAsync("SetAlarmState", new JsonObject { ["AlarmName"] = "busy", ["StateValue"] = "ALARM", ["StateReason"] = "busy again" });

        Assert.Equal((0, 2), (atZero, back));
        Assert.Equal(3, await DesiredCountAsync("steps"));
        var history = (await CloudWatch.JsonAsync("DescribeAlarmHistory", new JsonObject { ["AlarmName"] = "busy", ["HistoryItemType"] = "Action" })).Body!["AlarmHistoryItems"]!.AsArray();
        Assert.All(history, h => Assert.StartsWith("Successfully executed action arn:aws:autoscaling:", h!["HistorySummary"]!.GetValue<string>(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_scheduled_action_sets_the_range_and_the_desired_count_follows()
    {
        await ServiceAsync("nightly", desired: 2, min: 1, max: 4);
        var at = DateTimeOffset.UtcNow.AddMinutes(1);
        await Scaling.OkAsync("PutScheduledAction", new
        {
            ServiceNamespace = "ecs",
            ResourceId = "service/app/nightly",
            ScalableDimension = "ecs:service:DesiredCount",
            ScheduledActionName = "off",
            Schedule = $"at({at.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss})",
            ScalableTargetAction = new { MinCapacity = 0, MaxCapacity = 0 },
        });

        var engine = server.Services.GetRequiredService<ScalingEngine>();
        var early = await engine.RunScheduledAsync(at.AddSeconds(-5), CancellationToken.None);
        var ran = await engine.RunScheduledAsync(at.AddSeconds(5), CancellationToken.None);
        var again = await engine.RunScheduledAsync(at.AddSeconds(65), CancellationToken.None);

        Assert.Equal((0, 1, 0), (early, ran, again));
        Assert.Equal(0, await DesiredCountAsync("nightly"));
        var target = (await Scaling.OkAsync("DescribeScalableTargets", new { ServiceNamespace = "ecs", ResourceIds = new[] { "service/app/nightly" } }))["ScalableTargets"]![0]!;
        Assert.Equal((0, 0), (target["MinCapacity"]!.GetValue<int>(), target["MaxCapacity"]!.GetValue<int>()));
        Assert.Equal(["Setting desired count to 0.", "Setting min capacity to 0 and max capacity to 0"],
            (await ActivitiesAsync("nightly")).Select(a => a!["Description"]!.GetValue<string>()));
    }

    [Fact]
    public async Task A_scale_in_waits_for_its_cooldown_unless_a_scale_out_interrupts_it()
    {
        await ServiceAsync("cooling", desired: 4, min: 1, max: 6);
        await AlarmAsync("cooling-idle", await StepPolicyAsync("cooling", "shrink", "ChangeInCapacity", -1, cooldown: 300));
        await AlarmAsync("cooling-busy", await StepPolicyAsync("cooling", "grow", "ChangeInCapacity", 1, cooldown: 300));

        await SetAlarmAsync("cooling-idle", "ALARM");
        var scaledIn = await DesiredCountAsync("cooling");
        await SetAlarmAsync("cooling-idle", "OK");
        await SetAlarmAsync("cooling-idle", "ALARM");
        var blocked = await DesiredCountAsync("cooling");
        await SetAlarmAsync("cooling-busy", "ALARM");
        var scaledOut = await DesiredCountAsync("cooling");
        await SetAlarmAsync("cooling-idle", "OK");
        await SetAlarmAsync("cooling-idle", "ALARM");

        // 4 → 3, the second scale-in held by the cooldown, 3 → 4 by the other policy, which ends the cooldown: 4 → 3.
        Assert.Equal((3, 3, 4, 3), (scaledIn, blocked, scaledOut, await DesiredCountAsync("cooling")));
    }

    [Fact]
    public async Task During_its_cooldown_a_scale_out_counts_the_capacity_it_already_added()
    {
        await ServiceAsync("warming", desired: 2, min: 1, max: 10);
        await AlarmAsync("warming-busy", await StepPolicyAsync("warming", "add-two", "ChangeInCapacity", 2, cooldown: 300));

        await SetAlarmAsync("warming-busy", "ALARM");
        var first = await DesiredCountAsync("warming");
        await SetAlarmAsync("warming-busy", "OK");
        await SetAlarmAsync("warming-busy", "ALARM");

        // The same +2 again, computed from the 2 before the cooldown's scale-out: nothing more to add.
        Assert.Equal((4, 4), (first, await DesiredCountAsync("warming")));
        Assert.Single(await ActivitiesAsync("warming"));
    }

    [Fact]
    public async Task Registering_a_range_moves_the_desired_count_into_it()
    {
        await ServiceAsync("ranged", desired: 1, min: 2, max: 4);
        var raised = await DesiredCountAsync("ranged");
        await Scaling.OkAsync("RegisterScalableTarget", new
        {
            ServiceNamespace = "ecs",
            ResourceId = "service/app/ranged",
            ScalableDimension = "ecs:service:DesiredCount",
            MaxCapacity = 1,
            MinCapacity = 1,
        });

        Assert.Equal((2, 1), (raised, await DesiredCountAsync("ranged")));
        var activities = await ActivitiesAsync("ranged");
        Assert.Equal([("Setting desired count to 1.", "maximum capacity was set to 1"), ("Setting desired count to 2.", "minimum capacity was set to 2")],
            activities.Select(a => (a!["Description"]!.GetValue<string>(), a["Cause"]!.GetValue<string>())));
    }
}
