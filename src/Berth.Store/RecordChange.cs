namespace Berth.Store;

/// <summary>
/// One record as a commit of this server left it (<see cref="ChangeFeed"/>): put at <see cref="Version"/> with its scope,
/// sort key and index key, or deleted (then <see cref="Version"/> is the version it was deleted at, and the keys are null,
/// as a delete names none). Bodies are not kept: a reader that wants one reads the record.
/// </summary>
public sealed record RecordChange(long Commit, string Id, long Version, string? Scope, string? SortKey, string? IndexKey)
{
    public bool Deleted => Scope is null;

    /// <summary>The change of <paramref name="write"/> (a put or a delete; other writes change nothing), made by commit <paramref name="commit"/>.</summary>
    public static RecordChange? Of(long commit, RecordWrite write) => write switch
    {
        // Versions start at 1 and grow by one on every update (IStateStore), so a commit's outcome is known without a read.
        PutRecord put => new RecordChange(commit, put.Id, put.ExpectedVersion + 1, put.Scope, put.SortKey, put.IndexKey),
        DeleteRecord delete => new RecordChange(commit, delete.Id, delete.ExpectedVersion, null, null, null),
        _ => null,
    };

    /// <summary>Whether the record, as this change left it, is one <paramref name="query"/> answers (its kind aside; never when deleted).</summary>
    public bool Matches(RecordQuery query) =>
        !Deleted
        && (query.Scope is null || query.Scope == Scope)
        && (query.SortKeyPrefix is null || SortKey!.StartsWith(query.SortKeyPrefix, StringComparison.Ordinal))
        && (query.IndexKeyPrefix is null || IndexKey?.StartsWith(query.IndexKeyPrefix, StringComparison.Ordinal) == true);

    /// <summary>Each record's last change among <paramref name="changes"/> (given in commit order), by id.</summary>
    public static Dictionary<string, RecordChange> LatestById(IEnumerable<RecordChange> changes)
    {
        var latest = new Dictionary<string, RecordChange>(StringComparer.Ordinal);
        foreach (var change in changes)
        {
            latest[change.Id] = change;
        }
        return latest;
    }
}
