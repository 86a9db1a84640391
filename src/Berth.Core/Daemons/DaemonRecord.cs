using Berth.Core.Ecs;

namespace Berth.Core.Daemons;

/// <summary>
/// A daemon as stored. <c>RevisionArn</c> is the revision its tasks should run (the latest deployment's target, or
/// the revision a rollback returned to), <c>DeploymentArn</c> its most recent deployment, <c>Revisions</c> the counter
/// that numbers its revisions. The settings of each revision live in the revision (<see cref="DaemonRevisionRecord"/>).
/// </summary>
public sealed record DaemonRecord(
    string DaemonArn,
    string ClusterArn,
    string DaemonName,
    string Status,
    string RevisionArn,
    string DeploymentArn,
    int Revisions,
    IReadOnlyList<Tag> Tags,
    string? ClientToken,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public const string Active = "ACTIVE";
    public const string DeleteInProgress = "DELETE_IN_PROGRESS";
}

/// <summary>An immutable daemon revision: the wire shape and the capacity providers it runs on.</summary>
public sealed record DaemonRevisionRecord(DaemonRevision Revision, IReadOnlyList<string> CapacityProviderArns);

/// <summary>
/// A daemon deployment as stored: the wire shape, and the step bookkeeping the planner keeps (whether a step is under
/// way, and when the next may start once the bake time after the last one is over).
/// </summary>
public sealed record DaemonDeploymentRecord(string DaemonArn, DaemonDeployment Deployment, bool StepInFlight = false, DateTimeOffset? NextStepAt = null);
