using Berth.Core.State;

namespace Berth.Store;

/// <summary>Reads of agents' heartbeats (<see cref="EcsRecords.AgentHeartbeats"/>), kept apart from their instances.</summary>
public static class HeartbeatQueries
{
    /// <summary>
    /// When the instance's agent was last heard from; <see cref="DateTimeOffset.MinValue"/> (never, so disconnected) for
    /// an instance without a heartbeat record, which only one deregistered meanwhile is.
    /// </summary>
    public static async Task<DateTimeOffset> LastSeenAsync(this IStateStore store, string containerInstanceArn, CancellationToken cancellationToken) =>
        (await store.GetAsync(EcsRecords.AgentHeartbeats, containerInstanceArn, cancellationToken).ConfigureAwait(false))?.Value.LastSeen ?? DateTimeOffset.MinValue;

    /// <summary>
    /// The heartbeats of every instance of one instance scope (a cluster's, or the Fargate pool's; null: every scope), by
    /// instance ARN. Read it after the instances it is for: an instance and its first heartbeat are committed together,
    /// so every instance read before has its heartbeat here.
    /// </summary>
    public static async Task<LastSeenTimes> LastSeenTimesAsync(this IStateStore store, string? instanceScope, CancellationToken cancellationToken)
    {
        var records = await store.QueryAsync(EcsRecords.AgentHeartbeats, new RecordQuery(EcsRecords.AgentHeartbeats.Kind, instanceScope), cancellationToken).ConfigureAwait(false);
        return LastSeenTimes.Of(records);
    }
}

/// <summary>Agents' last heartbeats by container instance ARN, as <see cref="HeartbeatQueries.LastSeenTimesAsync"/> read them.</summary>
/// <remarks>Over the heartbeat records by instance ARN, as read or as a <see cref="QueryReadCache{T}"/> keeps them: nothing is copied.</remarks>
public sealed class LastSeenTimes(IReadOnlyDictionary<string, Versioned<AgentHeartbeatRecord>> byInstance)
{
    /// <summary>The heartbeat records of some instances, as read.</summary>
    public static LastSeenTimes Of(IEnumerable<Versioned<AgentHeartbeatRecord>> heartbeats) =>
        new(heartbeats.ToDictionary(r => r.Id, StringComparer.Ordinal));

    /// <summary>When the instance's agent was last heard from; <see cref="DateTimeOffset.MinValue"/> when never.</summary>
    public DateTimeOffset Of(string containerInstanceArn) =>
        byInstance.TryGetValue(containerInstanceArn, out var heartbeat) ? heartbeat.Value.LastSeen : DateTimeOffset.MinValue;
}
