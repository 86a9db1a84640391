namespace Berth.Control.Identity;

/// <summary>
/// How long a task's role credentials live and when they are replaced. ECS does not document its figures, only that
/// new credentials come well before the old ones expire; Berth gives each key an hour (AssumeRole's default) and
/// replaces it once less than half of that remains, so an SDK (which refreshes 5 to 15 minutes before expiry) always
/// finds the new key already served.
/// </summary>
public sealed record TaskRoleSessionOptions
{
    public TimeSpan Lifetime { get; init; } = TimeSpan.FromHours(1);

    public TimeSpan RenewBefore { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>How often keys of stopped tasks and expired keys are revoked.</summary>
    public TimeSpan SweepInterval { get; init; } = TimeSpan.FromSeconds(15);
}
