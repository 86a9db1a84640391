namespace Berth.Core.Tasks;

/// <summary>
/// The ECS task and container lifecycles (ECS developer guide, "Task lifecycle"):
/// PROVISIONING → PENDING → ACTIVATING → RUNNING → DEACTIVATING → STOPPING → DEPROVISIONING → STOPPED.
/// A known status only ever moves forward, so a late or repeated report can never undo a newer one;
/// the server and the agent both decide with <see cref="IsAfter"/>.
/// </summary>
public static class TaskStatuses
{
    public const string Provisioning = "PROVISIONING";
    public const string Pending = "PENDING";
    public const string Activating = "ACTIVATING";
    public const string Running = "RUNNING";
    public const string Deactivating = "DEACTIVATING";
    public const string Stopping = "STOPPING";
    public const string Deprovisioning = "DEPROVISIONING";
    public const string Stopped = "STOPPED";

    private static readonly string[] Order = [Provisioning, Pending, Activating, Running, Deactivating, Stopping, Deprovisioning, Stopped];

    /// <summary>Every last status a task can have, in lifecycle order.</summary>
    public static IReadOnlyList<string> All => Order;

    /// <summary>True when <paramref name="status"/> comes later in the lifecycle than <paramref name="than"/>.</summary>
    public static bool IsAfter(string status, string than) => Rank(status) > Rank(than);

    /// <summary>ECS counts these as pending in cluster and instance statistics.</summary>
    public static bool IsPending(string status) => Rank(status) < Rank(Running);

    private static int Rank(string status)
    {
        var rank = Array.IndexOf(Order, status);
        return rank >= 0 ? rank : throw new ArgumentException($"Unknown task status '{status}'.", nameof(status));
    }
}
