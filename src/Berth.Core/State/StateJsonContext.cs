using System.Text.Json.Serialization;
using Berth.Core.Cost;
using Berth.Core.Ecs;
using Berth.Core.Networking;
using Berth.Core.Tasks;

namespace Berth.Core.State;

/// <summary>JSON contracts of stored documents (source-generated; the same converters as the wire).</summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = new[] { typeof(EpochSecondsConverter) })]
[JsonSerializable(typeof(Cluster))]
[JsonSerializable(typeof(CapacityProvider))]
[JsonSerializable(typeof(TaskDefinitionRecord))]
[JsonSerializable(typeof(TaskDefinitionFamily))]
[JsonSerializable(typeof(Setting))]
[JsonSerializable(typeof(ContainerInstanceRecord))]
[JsonSerializable(typeof(TaskAssignmentRecord))]
[JsonSerializable(typeof(EcsTask))]
[JsonSerializable(typeof(ServiceRecord))]
[JsonSerializable(typeof(ServiceDeployment))]
[JsonSerializable(typeof(ServiceRevision))]
[JsonSerializable(typeof(TaskProtectionRecord))]
[JsonSerializable(typeof(RunTaskTokenRecord))]
[JsonSerializable(typeof(NetworkRegistry))]
[JsonSerializable(typeof(Subnet))]
[JsonSerializable(typeof(SecurityGroup))]
[JsonSerializable(typeof(SubnetAddressLease))]
[JsonSerializable(typeof(EngineAttachments))]
[JsonSerializable(typeof(TaskUsage))]
public sealed partial class StateJsonContext : JsonSerializerContext;
