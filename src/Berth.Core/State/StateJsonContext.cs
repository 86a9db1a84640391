using System.Text.Json.Serialization;
using Berth.Core.Agent;
using Berth.Core.Cost;
using Berth.Core.Daemons;
using Berth.Core.Ecs;
using Berth.Core.Leadership;
using Berth.Core.Networking;
using Berth.Core.Tasks;

namespace Berth.Core.State;

/// <summary>
/// JSON contracts of stored documents and of the agent protocol (source-generated; the same converters as the wire).
/// One context for both, because both carry the ECS task shapes (<see cref="EcsTask"/>, <see cref="TaskDefinition"/>,
/// <see cref="ContainerDefinition"/>, …): every context generates and builds its own copy of each shape it reaches,
/// and an idle <c>berth up</c> both stores records and polls as an agent (docs/performance.md, Idle memory).
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    Converters = new[] { typeof(EpochSecondsConverter) })]
[JsonSerializable(typeof(Cluster))]
[JsonSerializable(typeof(CapacityProvider))]
[JsonSerializable(typeof(TaskDefinitionRecord))]
[JsonSerializable(typeof(TaskDefinitionFamily))]
[JsonSerializable(typeof(Setting))]
[JsonSerializable(typeof(ContainerInstanceRecord))]
[JsonSerializable(typeof(AgentHeartbeatRecord))]
[JsonSerializable(typeof(TaskAssignmentRecord))]
[JsonSerializable(typeof(EcsTask))]
[JsonSerializable(typeof(ServiceRecord))]
[JsonSerializable(typeof(ServiceDeployment))]
[JsonSerializable(typeof(ServiceRevision))]
[JsonSerializable(typeof(TaskProtectionRecord))]
[JsonSerializable(typeof(RunTaskTokenRecord))]
[JsonSerializable(typeof(DaemonTaskDefinitionRecord))]
[JsonSerializable(typeof(DaemonRecord))]
[JsonSerializable(typeof(DaemonRevisionRecord))]
[JsonSerializable(typeof(DaemonDeploymentRecord))]
[JsonSerializable(typeof(NetworkRegistry))]
[JsonSerializable(typeof(Subnet))]
[JsonSerializable(typeof(SecurityGroup))]
[JsonSerializable(typeof(SubnetAddressLease))]
[JsonSerializable(typeof(EngineAttachments))]
[JsonSerializable(typeof(TaskUsage))]
[JsonSerializable(typeof(ControllerLease))]
[JsonSerializable(typeof(AgentIdentity))]
[JsonSerializable(typeof(AgentPollRequest))]
[JsonSerializable(typeof(AgentPollResponse))]
[JsonSerializable(typeof(AgentTaskReport))]
[JsonSerializable(typeof(AgentTaskReportBatch))]
[JsonSerializable(typeof(AgentTaskReportBatchResponse))]
[JsonSerializable(typeof(AgentStatsReport))]
[JsonSerializable(typeof(AgentJoinRequest))]
[JsonSerializable(typeof(AgentJoinResponse))]
[JsonSerializable(typeof(AgentJoinTokenRecord))]
[JsonSerializable(typeof(CreateJoinTokenRequest))]
[JsonSerializable(typeof(CreateJoinTokenResponse))]
[JsonSerializable(typeof(ListJoinTokensRequest))]
[JsonSerializable(typeof(ListJoinTokensResponse))]
[JsonSerializable(typeof(RevokeJoinTokenRequest))]
[JsonSerializable(typeof(JoinTokenView))]
public sealed partial class StateJsonContext : JsonSerializerContext;
