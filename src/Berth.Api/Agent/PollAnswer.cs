using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Berth.Core.Agent;
using Berth.Core.Ecs;
using Berth.Core.Networking;
using Berth.Core.State;

namespace Berth.Api.Agent;

/// <summary>
/// One task of a poll's answer: the task and its task definition as JSON kept from the poll that first answered them
/// (<see cref="KeptAssignments"/>), and the members made anew for every poll (network, credentials, secrets).
/// </summary>
internal sealed record AssignmentAnswer(
    ReadOnlyMemory<byte> Task,
    ReadOnlyMemory<byte> TaskDefinition,
    TaskNetworkAssignment? Network = null,
    TaskRoleCredentials? RoleCredentials = null,
    TaskRoleCredentials? ExecutionRoleCredentials = null,
    IReadOnlyDictionary<string, ContainerSecretValues>? Secrets = null);

/// <summary>
/// Writes <see cref="AgentPollResponse"/>'s JSON, byte for byte what <see cref="StateJsonContext"/> writes for it (the
/// same members in the same order, nulls left out), with each task's kept JSON copied in rather than serialized again:
/// an instance's answer lists all its tasks at every change to any of them, so with tasks placed one by one most of
/// what an answer carried had been written before.
/// </summary>
internal static class PollAnswer
{
    public static void Write(Utf8JsonWriter writer, long assignmentsVersion, IReadOnlyList<AssignmentAnswer> tasks, IReadOnlyList<ExecSessionAssignment>? execSessions)
    {
        writer.WriteStartObject();
        writer.WriteNumber("assignmentsVersion", assignmentsVersion);
        writer.WriteStartArray("tasks");
        foreach (var task in tasks)
        {
            Write(writer, task);
        }
        writer.WriteEndArray();
        WriteIfPresent(writer, "execSessions", execSessions, StateJsonContext.Default.IReadOnlyListExecSessionAssignment);
        writer.WriteEndObject();
    }

    private static void Write(Utf8JsonWriter writer, AssignmentAnswer task)
    {
        writer.WriteStartObject();
        writer.WritePropertyName("task");
        writer.WriteRawValue(task.Task.Span, skipInputValidation: true);
        writer.WritePropertyName("taskDefinition");
        writer.WriteRawValue(task.TaskDefinition.Span, skipInputValidation: true);
        WriteIfPresent(writer, "network", task.Network, StateJsonContext.Default.TaskNetworkAssignment);
        WriteIfPresent(writer, "roleCredentials", task.RoleCredentials, StateJsonContext.Default.TaskRoleCredentials);
        WriteIfPresent(writer, "executionRoleCredentials", task.ExecutionRoleCredentials, StateJsonContext.Default.TaskRoleCredentials);
        WriteIfPresent(writer, "secrets", task.Secrets, StateJsonContext.Default.IReadOnlyDictionaryStringContainerSecretValues);
        writer.WriteEndObject();
    }

    /// <summary>A member the serializer writes only when it is not null (the context leaves nulls out).</summary>
    private static void WriteIfPresent<T>(Utf8JsonWriter writer, string name, T? value, JsonTypeInfo<T> type)
        where T : class
    {
        if (value is not null)
        {
            writer.WritePropertyName(name);
            JsonSerializer.Serialize(writer, value, type);
        }
    }

    /// <summary>A piece of the answer as the serializer writes it, to keep.</summary>
    public static ReadOnlyMemory<byte> Json(EcsTask task) => JsonSerializer.SerializeToUtf8Bytes(task, StateJsonContext.Default.EcsTask);

    /// <inheritdoc cref="Json(EcsTask)"/>
    public static ReadOnlyMemory<byte> Json(TaskDefinition definition) => JsonSerializer.SerializeToUtf8Bytes(definition, StateJsonContext.Default.TaskDefinition);
}
