using System.Text.Json.Serialization;
using Berth.Core.Ecs;

namespace Berth.Core.Express;

/// <summary>JSON contract of the stored Express service records (source-generated; the same converters as the wire).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = new[] { typeof(EpochSecondsConverter) })]
[JsonSerializable(typeof(ExpressGatewayRecord))]
public sealed partial class ExpressStateJsonContext : JsonSerializerContext;
