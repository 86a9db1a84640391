using Berth.Api.Protocol;
using Berth.Api.Query;
using Berth.Control.Alarms;
using Berth.Core.CloudWatch;
using Berth.Store.Metrics;

namespace Berth.Api.CloudWatch;

/// <summary>
/// The CloudWatch metrics and alarms service. Its model lists three protocols, and real clients use all of them:
/// RPC v2 CBOR (botocore ≥ 1.38), AWS JSON 1.0 (target prefix GraniteServiceVersion20100801) and query
/// (Version 2010-08-01). One set of operations serves the three, and the model's required members (CloudWatch's own
/// MissingParameter) and enum values are checked alike in all three.
/// </summary>
public static class CloudWatchApi
{
    public static JsonService Create(IMetricStore store, MetricAlarms alarms)
    {
        // The query model's required members and enums hold for the JSON and CBOR requests too.
        var service = new JsonService(
            CloudWatchOperations.TargetPrefix, "monitoring", CloudWatchJsonContext.Default, CloudWatchOperations.All, jsonVersion: "1.0",
            constraints: new ModelConstraints(CloudWatchQuerySchema.Model, member => new MissingRequiredParameterException(member)))
        {
            QueryCompatible = true,
        };
        new MetricHandler(store).Register(service);
        new AlarmHandler(alarms).Register(service);
        return service;
    }

    /// <summary>The query edge of <paramref name="service"/>, driven by the model's query schema.</summary>
    public static QueryService Query(JsonService service) => new(CloudWatchQuerySchema.Model, service);
}
