using System.Globalization;
using Berth.Core.AutoScaling;
using Berth.Core.CloudWatch;
using Berth.Core.Ecs;
using Berth.Core.Elb;
using ElbLoadBalancer = Berth.Core.Elb.LoadBalancer;

namespace Berth.Core.Express;

/// <summary>
/// What of an Express service's provisioned resources still exists, as the APIs that own them hold it now: each is
/// null (or, for alarms, left out) once it is gone.
/// </summary>
public sealed record ExpressProvisionedState(
    ElbLoadBalancer? LoadBalancer,
    Listener? Listener,
    TargetGroup? TargetGroup,
    ScalableTarget? ScalableTarget,
    ScalingPolicy? ScalingPolicy,
    IReadOnlyList<MetricAlarm> Alarms);

/// <summary>
/// A service revision's <c>ecsManagedResources</c>: the resources Berth really provisioned for the Express service
/// (its record's ARNs), each ACTIVE while the API that owns it still holds it and DELETED once it does not. Berth
/// provisions no security group, certificate, listener rule or log group (docs/architecture.md, "Express Gateway
/// services"), so those members stay absent rather than name something that does not exist.
/// </summary>
public static class ExpressManagedResources
{
    public const string Active = "ACTIVE";
    public const string Provisioning = "PROVISIONING";
    public const string Failed = "FAILED";
    public const string Deleted = "DELETED";

    /// <param name="record">The Express service.</param>
    /// <param name="revisionArn">The revision described: its configuration gives the port its targets receive traffic on.</param>
    /// <param name="state">The provisioned resources as they are now.</param>
    public static ECSManagedResources Of(ExpressGatewayRecord record, string revisionArn, ExpressProvisionedState state)
    {
        var configuration = record.Configurations.LastOrDefault(c => c.ServiceRevisionArn == revisionArn) ?? record.Configurations[^1];
        return new ECSManagedResources
        {
            IngressPaths =
            [
                new ManagedIngressPath
                {
                    AccessType = ExpressGatewayView.AccessType,
                    Endpoint = ExpressGatewayPlan.Endpoint(record.Resources.ListenerPort),
                    LoadBalancer = LoadBalancerOf(record, state.LoadBalancer),
                    Listener = new ManagedListener
                    {
                        Arn = record.Resources.ListenerArn,
                        Status = state.Listener is null ? Deleted : Active,
                        UpdatedAt = state.Listener is null ? record.UpdatedAt : record.CreatedAt,
                    },
                    TargetGroups = [TargetGroupOf(record, configuration, state.TargetGroup)],
                },
            ],
            AutoScaling = AutoScalingOf(record, configuration, state),
            MetricAlarms = state.ScalingPolicy?.Alarms is { Count: > 0 } owned ? [.. owned.Select(a => AlarmOf(record, a, state.Alarms))] : null,
        };
    }

    /// <summary>ELB's load balancer states: <c>active</c> and <c>active_impaired</c> serve, <c>provisioning</c> and <c>failed</c> are ECS's own.</summary>
    private static ManagedLoadBalancer LoadBalancerOf(ExpressGatewayRecord record, ElbLoadBalancer? balancer) => balancer is null
        ? new ManagedLoadBalancer { Arn = record.Resources.LoadBalancerArn, Status = Deleted, UpdatedAt = record.UpdatedAt, Scheme = ExpressGatewayPlan.Scheme }
        : new ManagedLoadBalancer
        {
            Arn = balancer.LoadBalancerArn,
            Status = balancer.State?.Code switch
            {
                "provisioning" => Provisioning,
                "failed" => Failed,
                _ => Active,
            },
            StatusReason = balancer.State?.Reason,
            UpdatedAt = balancer.CreatedTime ?? record.CreatedAt,
            Scheme = balancer.Scheme,
            SubnetIds = [.. (balancer.AvailabilityZones ?? []).Select(z => z.SubnetId!)],
            SecurityGroupIds = balancer.SecurityGroups is { Count: > 0 } groups ? groups : null,
        };

    /// <summary>
    /// The revision's targets receive traffic on its container port (ECS registers each task on the service's container
    /// port, whatever port the group was created with); the health check path is the group's, as Express last set it.
    /// </summary>
    private static ManagedTargetGroup TargetGroupOf(ExpressGatewayRecord record, ExpressGatewayServiceConfiguration configuration, TargetGroup? group)
    {
        var port = configuration.PrimaryContainer?.ContainerPort ?? ExpressGatewayRules.DefaultContainerPort;
        return new ManagedTargetGroup
        {
            Arn = record.Resources.TargetGroupArn,
            Status = group is null ? Deleted : Active,
            UpdatedAt = group is null ? record.UpdatedAt : LastSetAt(record, c => c.HealthCheckPath),
            HealthCheckPath = group?.HealthCheckPath ?? configuration.HealthCheckPath,
            HealthCheckPort = int.TryParse(group?.HealthCheckPort, NumberStyles.None, CultureInfo.InvariantCulture, out var checkPort) ? checkPort : port,
            Port = port,
        };
    }

    /// <summary>
    /// When Express last changed a resource: the time of the first of the newest configurations that all give it the
    /// value it has now (a configuration that left it alone did not touch it).
    /// </summary>
    private static DateTimeOffset LastSetAt<T>(ExpressGatewayRecord record, Func<ExpressGatewayServiceConfiguration, T> value)
    {
        var now = value(record.Configurations[^1]);
        var since = record.Configurations.Reverse().TakeWhile(c => EqualityComparer<T>.Default.Equals(value(c), now)).LastOrDefault();
        return since?.CreatedAt ?? record.CreatedAt;
    }

    private static ManagedAutoScaling? AutoScalingOf(ExpressGatewayRecord record, ExpressGatewayServiceConfiguration configuration, ExpressProvisionedState state)
    {
        if (record.Resources.ScalableTargetArn is not { } targetArn)
        {
            return null;
        }
        var scaling = configuration.ScalingTarget;
        var target = state.ScalableTarget;
        var policy = state.ScalingPolicy;
        var tracking = policy?.TargetTrackingScalingPolicyConfiguration;
        var scalingSetAt = LastSetAt(record, c => c.ScalingTarget);
        return new ManagedAutoScaling
        {
            ScalableTarget = new ManagedScalableTarget
            {
                Arn = targetArn,
                Status = target is null ? Deleted : Active,
                UpdatedAt = target is null ? record.UpdatedAt : scalingSetAt,
                MinCapacity = target?.MinCapacity ?? scaling?.MinTaskCount,
                MaxCapacity = target?.MaxCapacity ?? scaling?.MaxTaskCount,
            },
            ApplicationAutoScalingPolicies = record.Resources.ScalingPolicyArn is { } policyArn
                ?
                [
                    new ManagedApplicationAutoScalingPolicy
                    {
                        Arn = policyArn,
                        Status = policy is null ? Deleted : Active,
                        UpdatedAt = policy is null ? record.UpdatedAt : scalingSetAt,
                        PolicyType = ScalingPolicyRules.TargetTracking,
                        TargetValue = tracking?.TargetValue ?? scaling?.AutoScalingTargetValue,
                        Metric = tracking?.PredefinedMetricSpecification?.PredefinedMetricType
                            ?? ExpressGatewayPlan.PredefinedMetricOf(scaling?.AutoScalingMetric ?? ExpressGatewayRules.DefaultMetric),
                    },
                ]
                : null,
        };
    }

    private static ManagedMetricAlarm AlarmOf(ExpressGatewayRecord record, Alarm owned, IReadOnlyList<MetricAlarm> existing) =>
        existing.FirstOrDefault(a => a.AlarmName == owned.AlarmName) is { } alarm
            ? new ManagedMetricAlarm { Arn = alarm.AlarmArn, Status = Active, UpdatedAt = alarm.AlarmConfigurationUpdatedTimestamp ?? record.CreatedAt }
            : new ManagedMetricAlarm { Arn = owned.AlarmARN, Status = Deleted, UpdatedAt = record.UpdatedAt };
}
