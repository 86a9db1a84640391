using Berth.Core.Services;
using Berth.Core.Validation;

namespace Berth.Core.Tasks;

/// <summary>
/// A task's scale-in protection as stored: protected until <see cref="ExpiresAt"/>. Turning protection off
/// deletes the record, so an expired or absent record both mean "not protected".
/// </summary>
public sealed record TaskProtectionRecord(string TaskArn, DateTimeOffset ExpiresAt);

/// <summary>
/// ECS task scale-in protection (UpdateTaskProtection, GetTaskProtection): a protected service task is not stopped
/// by scale-in or by a deployment until its protection is cleared or expires.
/// </summary>
public static class TaskProtection
{
    /// <summary>ECS: "Task-protection, by default, expires after 2 hours".</summary>
    public const int DefaultExpiresInMinutes = 120;

    /// <summary>ECS: a custom expiration period "from 1 minute to up to 2,880 minutes (48 hours)".</summary>
    public const int MaxExpiresInMinutes = 2880;

    /// <summary>UpdateTaskProtection takes "a list of up to 10 task IDs or full ARN entries".</summary>
    public const int MaxUpdateTasks = 10;

    /// <summary>GetTaskProtection takes "a list of up to 100 task IDs or full ARN entries".</summary>
    public const int MaxGetTasks = 100;

    /// <summary>The failure reason ECS gives a task that no service started ("API failure reasons").</summary>
    public const string TaskNotValid = "TASK_NOT_VALID";

    /// <summary>When protection asked for now ends; <c>expiresInMinutes</c> is reset on every call, as ECS does.</summary>
    public static DateTimeOffset ExpiresAt(DateTimeOffset now, int? expiresInMinutes)
    {
        Require.InRange(expiresInMinutes, 1, MaxExpiresInMinutes, "expiresInMinutes");
        return now.AddMinutes(expiresInMinutes ?? DefaultExpiresInMinutes);
    }

    public static bool IsProtected(DateTimeOffset? expiresAt, DateTimeOffset now) => expiresAt is { } until && now < until;

    /// <summary>Only tasks a service started can be protected: their deployment started them, in the service's group.</summary>
    public static bool IsServiceTask(string? startedBy, string? group) =>
        startedBy is not null
        && startedBy.StartsWith(ServiceRules.DeploymentIdPrefix, StringComparison.Ordinal)
        && TaskGroups.ServiceNameOf(group) is not null;
}
