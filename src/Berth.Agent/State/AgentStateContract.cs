using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.Agent;
using Berth.Core.State;

namespace Berth.Agent.State;

/// <summary>
/// The state file's contract. Each task in it holds the <see cref="TaskAssignment"/> the control plane sent, with the
/// whole task definition: those ECS shapes are read and written through <see cref="StateJsonContext"/>, which the
/// agent protocol already uses, rather than through a second generated copy (docs/performance.md, Idle memory).
/// </summary>
internal static class AgentStateContract
{
    public static JsonTypeInfo<AgentStateDocument> Document { get; } = (JsonTypeInfo<AgentStateDocument>)new JsonSerializerOptions(AgentStateJsonContext.Default.Options)
    {
        Converters = { new SharedContractConverter<TaskAssignment>(StateJsonContext.Default.TaskAssignment) },
    }.GetTypeInfo(typeof(AgentStateDocument));
}
