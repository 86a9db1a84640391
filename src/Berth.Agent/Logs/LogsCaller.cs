using Berth.Core.Agent;

namespace Berth.Agent.Logs;

/// <summary>
/// Where a CloudWatch Logs call goes and whom it is signed as: <paramref name="Region"/> is the container's
/// awslogs-region (null: the server's default); <paramref name="As"/> the task's execution role credentials, or null
/// for the agent's own key (a task without an execution role).
/// </summary>
internal sealed record LogsCaller(string? Region, AgentCredentials? As = null)
{
    /// <summary>
    /// The task's execution role credentials as of now. Until a poll has brought them (an agent restarted, whose saved
    /// state never holds them) this throws, so the step is retried rather than signed with the agent's key.
    /// </summary>
    public static AgentCredentials Execution(Func<TaskRoleCredentials?> current, string taskArn) => current() is { } credentials
        ? new AgentCredentials(credentials.AccessKeyId, credentials.SecretAccessKey, credentials.Token)
        : throw new InvalidOperationException($"The execution role credentials of task {taskArn} are not known yet");
}
