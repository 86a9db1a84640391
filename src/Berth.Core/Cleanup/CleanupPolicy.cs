using Berth.Core.Errors;

namespace Berth.Core.Cleanup;

/// <summary>
/// The clean-up report's two choices: how long a service must have been at desired count 0 to count as left over
/// (default <see cref="DefaultIdleDays"/>), and the retention <c>--apply</c> gives log groups that have none (default
/// <see cref="DefaultRetentionDays"/>, one of CloudWatch Logs' allowed values).
/// </summary>
public sealed record CleanupPolicy(int IdleDays = CleanupPolicy.DefaultIdleDays, int RetentionDays = CleanupPolicy.DefaultRetentionDays)
{
    public const int DefaultIdleDays = 7;
    public const int DefaultRetentionDays = 30;

    /// <summary>CloudWatch Logs' allowed retention values (PutRetentionPolicy).</summary>
    private static readonly int[] AllowedRetentionDays = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653];

    /// <summary>The policy a request asks for, or a <see cref="ValidationException"/> naming the bad value.</summary>
    public static CleanupPolicy Of(int? idleDays, int? retentionDays)
    {
        if (idleDays is < 0 or > 3650)
        {
            throw new ValidationException($"idleDays {idleDays} is not between 0 and 3650.");
        }
        if (retentionDays is { } days && !AllowedRetentionDays.Contains(days))
        {
            throw new ValidationException($"retentionDays {days} is not one of CloudWatch Logs' values: {string.Join(", ", AllowedRetentionDays)}.");
        }
        return new CleanupPolicy(idleDays ?? DefaultIdleDays, retentionDays ?? DefaultRetentionDays);
    }
}
