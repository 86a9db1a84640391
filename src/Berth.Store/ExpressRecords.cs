using Berth.Core.Express;

namespace Berth.Store;

/// <summary>Express services (CreateExpressGatewayService): id the ECS service's ARN, scope its cluster ARN, sort key its name.</summary>
public static class ExpressRecords
{
    public static readonly RecordType<ExpressGatewayRecord> Services = new("express-gateway-service", ExpressStateJsonContext.Default);

    public static PutRecord Put(ExpressGatewayRecord record, long expectedVersion) =>
        Services.Put(record.ServiceArn, record.ClusterArn, record.ServiceName, record, expectedVersion);
}
