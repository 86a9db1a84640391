using System.Text.Json.Serialization;

namespace Berth.Core.Identity.Credentials;

/// <summary>Which of a task's two roles a session acts as.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TaskRoleSessionKind>))]
public enum TaskRoleSessionKind
{
    /// <summary>The task role (taskRoleArn): served to the task's containers.</summary>
    Task,

    /// <summary>The execution role (executionRoleArn): used by the agent for the task (its awslogs), never served to its containers.</summary>
    Execution,
}
