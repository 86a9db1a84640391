using System.Text.Json.Serialization;
using Berth.Core.Ecs;

namespace Berth.Core.Elb;

/// <summary>JSON contracts of stored ELBv2 documents (source-generated; the same converters as the wire).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = new[] { typeof(EpochSecondsConverter) })]
[JsonSerializable(typeof(LoadBalancerRecord))]
[JsonSerializable(typeof(ListenerRecord))]
[JsonSerializable(typeof(RuleRecord))]
[JsonSerializable(typeof(TargetGroupRecord))]
[JsonSerializable(typeof(ElbClaim))]
public sealed partial class ElbStateJsonContext : JsonSerializerContext;
