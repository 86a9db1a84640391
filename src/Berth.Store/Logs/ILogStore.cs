namespace Berth.Store.Logs;

/// <summary>
/// Where log groups, streams and events live: apart from <see cref="IStateStore"/>, because events arrive by the
/// million and are written in batches and read by range, never versioned or committed with control-plane records.
/// Groups are per scope (account and region). Implementations are safe for concurrent use.
/// </summary>
public interface ILogStore : IAsyncDisposable
{
    /// <summary>Null when the scope already has a group of that name.</summary>
    Task<LogGroupRow?> CreateGroupAsync(string scope, string name, long creationTime, CancellationToken cancellationToken);

    Task<LogGroupRow?> FindGroupAsync(string scope, string name, CancellationToken cancellationToken);

    /// <summary>Groups of the scope by name, after <paramref name="afterName"/>.</summary>
    Task<IReadOnlyList<LogGroupRow>> ListGroupsAsync(string scope, string? prefix, string? afterName, int limit, CancellationToken cancellationToken);

    /// <summary>Every group of every scope that has a retention policy, for the retention sweep.</summary>
    Task<IReadOnlyList<LogGroupRow>> ListGroupsWithRetentionAsync(CancellationToken cancellationToken);

    /// <summary>Deletes the group with its streams and events.</summary>
    Task DeleteGroupAsync(long groupId, CancellationToken cancellationToken);

    Task SetRetentionAsync(long groupId, int? retentionInDays, CancellationToken cancellationToken);

    /// <summary>False when the group already has a stream of that name.</summary>
    Task<bool> CreateStreamAsync(long groupId, string name, long creationTime, CancellationToken cancellationToken);

    Task<LogStreamRow?> FindStreamAsync(long groupId, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<LogStreamRow>> ListStreamsAsync(long groupId, LogStreamQuery query, CancellationToken cancellationToken);

    Task DeleteStreamAsync(long streamId, CancellationToken cancellationToken);

    /// <summary>Appends events (in order) to a stream in one transaction: all are stored or none.</summary>
    Task AppendAsync(LogStreamRow stream, IReadOnlyList<NewLogEvent> events, long ingestionTime, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredLogEvent>> ReadStreamAsync(long streamId, LogEventQuery query, CancellationToken cancellationToken);

    /// <summary>Events of a group's streams interleaved by time; only the listed streams when <paramref name="streamIds"/> is given.</summary>
    Task<IReadOnlyList<StoredLogEvent>> ReadGroupAsync(long groupId, IReadOnlyCollection<long>? streamIds, LogEventQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes the group's events with a timestamp before <paramref name="before"/>; returns how many.</summary>
    Task<long> DeleteEventsBeforeAsync(long groupId, long before, CancellationToken cancellationToken);
}
