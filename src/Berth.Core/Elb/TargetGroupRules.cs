using System.Globalization;
using Berth.Core.Errors;

namespace Berth.Core.Elb;

/// <summary>
/// CreateTargetGroup and ModifyTargetGroup: ALB's defaults for HTTP target groups and their limits
/// (https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateTargetGroup.html).
/// </summary>
public static class TargetGroupRules
{
    public const string TrafficPort = "traffic-port";

    public static TargetGroup NewTargetGroup(CreateTargetGroupInput request, string arn)
    {
        ElbNames.Validate(request.Name, "target group");
        var targetType = request.TargetType ?? "instance";
        if (targetType is not ("ip" or "instance"))
        {
            throw new QueryUnsupportedException($"Berth supports target types ip and instance, not {targetType}.");
        }
        if (request.Protocol is not "HTTP")
        {
            throw new QueryUnsupportedException($"Berth's load balancers speak HTTP to targets; protocol {request.Protocol ?? "(none)"} is not supported.");
        }
        if (request.Port is not (>= 1 and <= 65535))
        {
            throw new QueryValidationException("A port between 1 and 65535 must be specified for target type " + targetType + ".");
        }
        var interval = request.HealthCheckIntervalSeconds ?? 30;
        var group = new TargetGroup
        {
            TargetGroupArn = arn,
            TargetGroupName = request.Name,
            Protocol = request.Protocol,
            ProtocolVersion = request.ProtocolVersion ?? "HTTP1",
            Port = request.Port,
            VpcId = request.VpcId ?? ElbNames.LocalVpcId,
            HealthCheckProtocol = request.HealthCheckProtocol ?? "HTTP",
            HealthCheckPort = request.HealthCheckPort ?? TrafficPort,
            HealthCheckEnabled = request.HealthCheckEnabled ?? true,
            HealthCheckIntervalSeconds = interval,
            // ALB's default timeout is 5 s and must stay below the interval; with a 5 s interval and no timeout
            // given, Berth picks 4 s rather than refuse the request.
            HealthCheckTimeoutSeconds = request.HealthCheckTimeoutSeconds ?? Math.Min(5, interval - 1),
            HealthyThresholdCount = request.HealthyThresholdCount ?? 5,
            UnhealthyThresholdCount = request.UnhealthyThresholdCount ?? 2,
            HealthCheckPath = request.HealthCheckPath ?? "/",
            Matcher = request.Matcher ?? new Matcher { HttpCode = "200" },
            LoadBalancerArns = [],
            TargetType = targetType,
            IpAddressType = request.IpAddressType ?? "ipv4",
        };
        Validate(group);
        return group;
    }

    public static TargetGroup Modify(TargetGroup current, ModifyTargetGroupInput request)
    {
        var group = current with
        {
            HealthCheckProtocol = request.HealthCheckProtocol ?? current.HealthCheckProtocol,
            HealthCheckPort = request.HealthCheckPort ?? current.HealthCheckPort,
            HealthCheckPath = request.HealthCheckPath ?? current.HealthCheckPath,
            HealthCheckEnabled = request.HealthCheckEnabled ?? current.HealthCheckEnabled,
            HealthCheckIntervalSeconds = request.HealthCheckIntervalSeconds ?? current.HealthCheckIntervalSeconds,
            HealthCheckTimeoutSeconds = request.HealthCheckTimeoutSeconds ?? current.HealthCheckTimeoutSeconds,
            HealthyThresholdCount = request.HealthyThresholdCount ?? current.HealthyThresholdCount,
            UnhealthyThresholdCount = request.UnhealthyThresholdCount ?? current.UnhealthyThresholdCount,
            Matcher = request.Matcher ?? current.Matcher,
        };
        Validate(group);
        return group;
    }

    /// <summary>The port health checks go to: the target's own port unless the group names one.</summary>
    public static int HealthCheckPortOf(TargetGroup group, int targetPort) =>
        group.HealthCheckPort is { } port && port != TrafficPort ? int.Parse(port, CultureInfo.InvariantCulture) : targetPort;

    private static void Validate(TargetGroup group)
    {
        if (group.HealthCheckProtocol is not "HTTP")
        {
            throw new QueryUnsupportedException($"Berth health checks use HTTP; protocol {group.HealthCheckProtocol} is not supported.");
        }
        if (group.HealthCheckPort != TrafficPort && !(int.TryParse(group.HealthCheckPort, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is >= 1 and <= 65535))
        {
            throw new QueryValidationException($"Health check port '{group.HealthCheckPort}' must be '{TrafficPort}' or a port between 1 and 65535.");
        }
        Range("HealthCheckIntervalSeconds", group.HealthCheckIntervalSeconds, 5, 300);
        Range("HealthCheckTimeoutSeconds", group.HealthCheckTimeoutSeconds, 2, 120);
        Range("HealthyThresholdCount", group.HealthyThresholdCount, 2, 10);
        Range("UnhealthyThresholdCount", group.UnhealthyThresholdCount, 2, 10);
        if (group.HealthCheckTimeoutSeconds >= group.HealthCheckIntervalSeconds)
        {
            throw new QueryValidationException("Health check interval must be greater than the timeout.");
        }
        if (group.HealthCheckPath is not { Length: > 0 and <= 1024 } path || path[0] != '/')
        {
            throw new QueryValidationException("Health check path must begin with '/' and be at most 1024 characters.");
        }
        HttpCodeMatcher.Parse(group.Matcher?.HttpCode ?? "200");
    }

    private static void Range(string name, int? value, int min, int max)
    {
        if (value is not { } v || v < min || v > max)
        {
            throw new QueryValidationException($"{name} must be between {min} and {max}.");
        }
    }
}
