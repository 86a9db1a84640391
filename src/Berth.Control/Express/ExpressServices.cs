using Berth.Core.Services;
using Berth.Store;

namespace Berth.Control.Express;

/// <summary>Which ECS services of a cluster are Express services, for ListServices' <c>resourceManagementType</c>.</summary>
public static class ExpressServices
{
    /// <summary>
    /// A tester of "this service is an Express service": its ARN has an Express record that is ACTIVE, or DRAINING while
    /// the ECS service drains with it (a plain service made later under the same name, once the old one is INACTIVE, is not).
    /// </summary>
    public static async Task<Func<string, Core.Ecs.Service, bool>> OfClusterAsync(IStateStore store, string clusterArn, CancellationToken cancellationToken)
    {
        var records = await store.QueryAsync(ExpressRecords.Services, new RecordQuery(ExpressRecords.Services.Kind, clusterArn), cancellationToken).ConfigureAwait(false);
        var statuses = records.ToDictionary(r => r.Id, r => r.Value.Status, StringComparer.Ordinal);
        return (arn, service) => statuses.TryGetValue(arn, out var status)
            && (status == ServiceStatuses.Active || service.Status == ServiceStatuses.Draining);
    }
}
