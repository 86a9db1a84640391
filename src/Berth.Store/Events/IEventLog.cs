using Berth.Core.Events;

namespace Berth.Store.Events;

/// <summary>
/// The append-only log behind the event stream (<c>GET /_berth/events</c>): every event gets the next sequence number,
/// which never goes back or repeats, even across restarts and pruning, so a reader resumes after the last id it saw.
/// Implementations are safe for concurrent use.
/// </summary>
public interface IEventLog : IAsyncDisposable
{
    /// <summary>
    /// Completes at the next <see cref="AppendAsync"/> that stores an event. A reader takes it before reading, so an
    /// append between its read and its wait still wakes it.
    /// </summary>
    Task Appended { get; }

    /// <summary>Appends the events, in order, in one transaction.</summary>
    Task AppendAsync(IReadOnlyList<EcsEvent> events, CancellationToken cancellationToken);

    /// <summary>Events after <see cref="EventLogQuery.After"/> that match the query, in sequence order.</summary>
    Task<IReadOnlyList<LoggedEvent>> ReadAsync(EventLogQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// The sequence number of the newest event appended (0 before the first), so a reader that wants only what happens
    /// from now on starts after it.
    /// </summary>
    Task<long> LatestSequenceAsync(CancellationToken cancellationToken);

    /// <summary>Deletes events older than <paramref name="olderThan"/> and all but the newest <paramref name="keep"/>; returns how many.</summary>
    Task<long> PruneAsync(DateTimeOffset olderThan, int keep, CancellationToken cancellationToken);
}

/// <summary>A stored event: its sequence number, detail type and the envelope (<see cref="EventEnvelope"/>) as one line of JSON.</summary>
public sealed record LoggedEvent(long Sequence, string DetailType, string Data);

/// <summary>Events after a sequence number, of one cluster and one detail type when given.</summary>
public sealed record EventLogQuery(long After, string? ClusterArn, string? DetailType, int Limit);
