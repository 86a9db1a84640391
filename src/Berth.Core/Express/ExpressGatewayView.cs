using Berth.Core.Ecs;
using Berth.Core.Services;

namespace Berth.Core.Express;

/// <summary>How an Express service reads in the API: its record joined with the state of the ECS service it runs as.</summary>
public static class ExpressGatewayView
{
    public const string AccessType = "PRIVATE";

    /// <summary>
    /// DescribeExpressGatewayService's shape. The active configurations are those whose service revision still runs
    /// (the service's <c>currentServiceRevisions</c>: two while a deployment replaces the tasks), each with its ingress
    /// path; the status is the record's, INACTIVE once the deleted ECS service is.
    /// </summary>
    public static ECSExpressGatewayService Describe(ExpressGatewayRecord record, Service? service, bool withTags)
    {
        var running = (service?.CurrentServiceRevisions ?? []).Select(r => r.Arn).ToHashSet(StringComparer.Ordinal);
        var active = record.Configurations.Where(c => running.Contains(c.ServiceRevisionArn)).ToList();
        return new ECSExpressGatewayService
        {
            Cluster = record.ClusterArn,
            ServiceName = record.ServiceName,
            ServiceArn = record.ServiceArn,
            InfrastructureRoleArn = record.InfrastructureRoleArn,
            Status = Status(record, service),
            CurrentDeployment = service?.CurrentServiceDeployment,
            ActiveConfigurations = [.. (active.Count > 0 ? active : record.Configurations.TakeLast(1)).Select(c => WithIngress(c, record))],
            Tags = withTags ? record.Tags : null,
            CreatedAt = record.CreatedAt,
            UpdatedAt = record.UpdatedAt,
        };
    }

    /// <summary>UpdateExpressGatewayService's shape: the configuration being deployed.</summary>
    public static UpdatedExpressGatewayService Updated(ExpressGatewayRecord record, Service? service) => new()
    {
        ServiceArn = record.ServiceArn,
        Cluster = record.ClusterArn,
        ServiceName = record.ServiceName,
        Status = Status(record, service),
        TargetConfiguration = WithIngress(record.Configurations[^1], record),
        CreatedAt = record.CreatedAt,
        UpdatedAt = record.UpdatedAt,
    };

    public static ExpressGatewayServiceStatus Status(ExpressGatewayRecord record, Service? service) => new()
    {
        StatusCode = service is null || service.Status == ServiceStatuses.Inactive ? ServiceStatuses.Inactive : record.Status,
    };

    private static ExpressGatewayServiceConfiguration WithIngress(ExpressGatewayServiceConfiguration configuration, ExpressGatewayRecord record) =>
        configuration with
        {
            IngressPaths = [new IngressPathSummary { AccessType = AccessType, Endpoint = ExpressGatewayPlan.Endpoint(record.Resources.ListenerPort) }],
        };
}
