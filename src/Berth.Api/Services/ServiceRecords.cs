using Berth.Core.Arns;
using Berth.Core.Ecs;
using Berth.Core.Errors;
using Berth.Core.State;
using Berth.Store;

namespace Berth.Api.Services;

/// <summary>How services are named and written: scope and sort key always derived the same way.</summary>
public static class ServiceRecords
{
    public static PutRecord Put(ServiceRecord record, long expectedVersion) =>
        EcsRecords.Services.Put(record.Service.ServiceArn!, record.Service.ClusterArn!, EcsRecords.ServiceSortKey(record.Service), record, expectedVersion);

    /// <summary>ECS accepts a service's name or full ARN; a name is taken to be in the given cluster.</summary>
    public static string ArnOf(ResourceScope scope, Cluster cluster, string nameOrArn)
    {
        if (!EcsArn.TryParse(nameOrArn, out var arn))
        {
            return scope.ServiceArn(cluster.ClusterName!, nameOrArn);
        }
        return arn.ResourceType == "service"
            ? arn.ToString()
            : throw new InvalidParameterException($"'{nameOrArn}' is not a service ARN.");
    }
}
