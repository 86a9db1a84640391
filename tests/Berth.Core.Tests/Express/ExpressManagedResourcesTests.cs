using Berth.Core.AutoScaling;
using Berth.Core.CloudWatch;
using Berth.Core.Ecs;
using Berth.Core.Elb;
using Berth.Core.Express;
using ElbLoadBalancer = Berth.Core.Elb.LoadBalancer;

namespace Berth.Core.Tests.Express;

public class ExpressManagedResourcesTests
{
    private static readonly DateTimeOffset Created = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset Later = Created.AddHours(1);
    private static readonly DateTimeOffset Deleted = Created.AddHours(2);

    private static ExpressGatewayServiceConfiguration Configuration(string revision, int port, string path, int maxTasks, DateTimeOffset at) => new()
    {
        ServiceRevisionArn = revision,
        HealthCheckPath = path,
        PrimaryContainer = new ExpressGatewayContainer { Image = "web", ContainerPort = port },
        ScalingTarget = new ExpressGatewayScalingTarget { MinTaskCount = 1, MaxTaskCount = maxTasks, AutoScalingMetric = "AVERAGE_MEMORY", AutoScalingTargetValue = 70 },
        CreatedAt = at,
    };

    /// <summary>Revision 1 on port 80; revision 2 moved to port 8080 with a new health check path an hour later.</summary>
    private static ExpressGatewayRecord Record(string status = "ACTIVE") =>
        ExpressGatewayRecords.Web(status, Created, status == "ACTIVE" ? Later : Deleted) with
        {
            Configurations = [Configuration("rev/1", 80, "/ping", 20, Created), Configuration("rev/2", 8080, "/health", 20, Later)],
        };

    private static ExpressProvisionedState Everything(string balancerState = "active") => new(
        new ElbLoadBalancer
        {
            LoadBalancerArn = "lb-arn",
            Scheme = "internal",
            CreatedTime = Created,
            State = new LoadBalancerState { Code = balancerState },
            AvailabilityZones = [new AvailabilityZone { SubnetId = "subnet-a" }, new AvailabilityZone { SubnetId = "subnet-b" }],
        },
        new Listener { ListenerArn = "listener-arn" },
        new TargetGroup { TargetGroupArn = "tg-arn", Port = 80, HealthCheckPort = "traffic-port", HealthCheckPath = "/health" },
        new ScalableTarget { ScalableTargetARN = "target-arn", MinCapacity = 2, MaxCapacity = 9 },
        new ScalingPolicy
        {
            PolicyARN = "policy-arn",
            TargetTrackingScalingPolicyConfiguration = new TargetTrackingScalingPolicyConfiguration
            {
                TargetValue = 70,
                PredefinedMetricSpecification = new PredefinedMetricSpecification { PredefinedMetricType = "ECSServiceAverageMemoryUtilization" },
            },
            Alarms = [new Alarm { AlarmName = "high", AlarmARN = "high-arn" }, new Alarm { AlarmName = "low", AlarmARN = "low-arn" }],
        },
        [new MetricAlarm { AlarmName = "high", AlarmArn = "high-arn", AlarmConfigurationUpdatedTimestamp = Later }]);

    private static readonly ExpressProvisionedState Nothing = new(null, null, null, null, null, []);

    [Fact]
    public void Every_provisioned_resource_that_exists_is_active_with_what_its_api_holds()
    {
        var resources = ExpressManagedResources.Of(Record(), "rev/2", Everything());

        var ingress = Assert.Single(resources.IngressPaths!);
        Assert.Equal(("PRIVATE", "http://127.0.0.1:40123"), (ingress.AccessType, ingress.Endpoint));
        var balancer = ingress.LoadBalancer!;
        Assert.Equal(("lb-arn", "ACTIVE", Created, "internal"), (balancer.Arn, balancer.Status, balancer.UpdatedAt!.Value, balancer.Scheme));
        Assert.Equal(["subnet-a", "subnet-b"], balancer.SubnetIds!);
        Assert.Null(balancer.SecurityGroupIds);
        Assert.Equal(new ManagedListener { Arn = "listener-arn", Status = "ACTIVE", UpdatedAt = Created }, ingress.Listener);
        // The revision's targets take traffic on its own container port; the path is the group's, set by revision 2.
        Assert.Equal(new ManagedTargetGroup { Arn = "tg-arn", Status = "ACTIVE", UpdatedAt = Later, HealthCheckPath = "/health", HealthCheckPort = 8080, Port = 8080 },
            Assert.Single(ingress.TargetGroups!));
        Assert.Null(ingress.LoadBalancerSecurityGroups);
        Assert.Null(ingress.Certificate);
        Assert.Null(ingress.Rule);

        Assert.Equal(new ManagedScalableTarget { Arn = "target-arn", Status = "ACTIVE", UpdatedAt = Created, MinCapacity = 2, MaxCapacity = 9 },
            resources.AutoScaling!.ScalableTarget);
        Assert.Equal(new ManagedApplicationAutoScalingPolicy
        {
            Arn = "policy-arn",
            Status = "ACTIVE",
            UpdatedAt = Created,
            PolicyType = "TargetTrackingScaling",
            TargetValue = 70,
            Metric = "ECSServiceAverageMemoryUtilization",
        }, Assert.Single(resources.AutoScaling.ApplicationAutoScalingPolicies!));
        // An alarm the policy owns but CloudWatch no longer holds is reported DELETED, not left out.
        Assert.Equal([("high-arn", "ACTIVE", Later), ("low-arn", "DELETED", Later)], resources.MetricAlarms!.Select(a => (a.Arn, a.Status, a.UpdatedAt!.Value)));
        Assert.Null(resources.ServiceSecurityGroups);
        Assert.Null(resources.LogGroups);
    }

    [Fact]
    public void An_older_revision_reports_its_own_container_port()
    {
        var group = Assert.Single(ExpressManagedResources.Of(Record(), "rev/1", Everything()).IngressPaths![0].TargetGroups!);

        Assert.Equal((80, 80), (group.Port!.Value, group.HealthCheckPort!.Value));
    }

    [Theory]
    [InlineData("active", "ACTIVE")]
    [InlineData("active_impaired", "ACTIVE")]
    [InlineData("provisioning", "PROVISIONING")]
    [InlineData("failed", "FAILED")]
    public void The_load_balancer_status_follows_its_elb_state(string state, string status) =>
        Assert.Equal(status, ExpressManagedResources.Of(Record(), "rev/2", Everything(state)).IngressPaths![0].LoadBalancer!.Status);

    [Fact]
    public void After_a_delete_every_resource_is_deleted_at_the_delete_with_the_values_it_was_given()
    {
        var resources = ExpressManagedResources.Of(Record("DRAINING"), "rev/2", Nothing);

        var ingress = resources.IngressPaths![0];
        Assert.Equal(("lb-arn", "DELETED", Deleted, "internal"), (ingress.LoadBalancer!.Arn, ingress.LoadBalancer.Status, ingress.LoadBalancer.UpdatedAt!.Value, ingress.LoadBalancer.Scheme));
        Assert.Equal(("DELETED", Deleted), (ingress.Listener!.Status, ingress.Listener.UpdatedAt!.Value));
        Assert.Equal(new ManagedTargetGroup { Arn = "tg-arn", Status = "DELETED", UpdatedAt = Deleted, HealthCheckPath = "/health", HealthCheckPort = 8080, Port = 8080 },
            ingress.TargetGroups![0]);
        Assert.Equal(new ManagedScalableTarget { Arn = "target-arn", Status = "DELETED", UpdatedAt = Deleted, MinCapacity = 1, MaxCapacity = 20 },
            resources.AutoScaling!.ScalableTarget);
        var policy = resources.AutoScaling.ApplicationAutoScalingPolicies![0];
        Assert.Equal(("DELETED", 70.0, "ECSServiceAverageMemoryUtilization"), (policy.Status, policy.TargetValue!.Value, policy.Metric));
        // The policy's alarms are known only from the policy: with it gone, none is named.
        Assert.Null(resources.MetricAlarms);
    }

    [Fact]
    public void A_record_without_a_scalable_target_reports_no_auto_scaling()
    {
        var record = Record() with { Resources = Record().Resources with { ScalableTargetArn = null, ScalingPolicyArn = null } };

        Assert.Null(ExpressManagedResources.Of(record, "rev/2", Everything() with { ScalableTarget = null, ScalingPolicy = null }).AutoScaling);
    }
}
