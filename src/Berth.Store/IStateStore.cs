namespace Berth.Store;

/// <summary>
/// Berth's state: versioned JSON documents, each of one kind, addressed by id (usually an ARN) and listed
/// within a scope (an account-region ARN prefix, a cluster ARN…) in sort-key order.
/// Every write names the version it was computed from; a write whose record moved on meanwhile fails the
/// whole commit with <see cref="ConcurrencyConflictException"/>, and the caller re-reads and re-plans.
/// The SQLite and PostgreSQL engines implement the same contract, so callers never know which one runs.
/// </summary>
public interface IStateStore : IAsyncDisposable
{
    Task<StoredRecord?> GetAsync(string kind, string id, CancellationToken cancellationToken);

    /// <summary>
    /// The records of <paramref name="kind"/> with these ids that exist, in no particular order, each once however often
    /// its id is named: what a <see cref="GetAsync"/> per id answers, in one statement (one round trip, one connection)
    /// instead of one each. The records are read at one moment, as one query reads them.
    /// </summary>
    Task<IReadOnlyList<StoredRecord>> GetManyAsync(string kind, IReadOnlyCollection<string> ids, CancellationToken cancellationToken);

    Task<IReadOnlyList<StoredRecord>> QueryAsync(RecordQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// What <see cref="QueryAsync"/> would answer, without the bodies: for a caller that keeps records it read and
    /// reads again only those whose version moved.
    /// </summary>
    Task<IReadOnlyList<RecordVersion>> VersionsAsync(RecordQuery query, CancellationToken cancellationToken);

    /// <summary>How many records match the query's kind, scope and sort-key prefix (After and Limit are ignored).</summary>
    Task<int> CountAsync(RecordQuery query, CancellationToken cancellationToken);

    /// <summary>Applies all writes atomically, or none of them.</summary>
    Task CommitAsync(IReadOnlyList<RecordWrite> writes, CancellationToken cancellationToken);
}

/// <summary>
/// One stored document. <see cref="Version"/> starts at 1 and grows by one on every update. <see cref="Body"/> is the
/// JSON as UTF-8 bytes, as the engines store it (<see cref="PutRecord.Body"/> says why bytes and why an array); as an
/// array it takes part in the record's equality by reference, so compare bodies by their bytes.
/// </summary>
public sealed record StoredRecord(string Kind, string Id, string Scope, string SortKey, long Version, byte[] Body);

/// <summary>A record's address and version, as <see cref="IStateStore.VersionsAsync"/> lists them.</summary>
public sealed record RecordVersion(string Id, string SortKey, long Version);

/// <summary>
/// Records of one kind and scope in sort-key order. <see cref="After"/> is exclusive and follows the
/// direction of the order, which is what keyset pagination needs. A null scope means every scope — what
/// background controllers sweep — and then the order (and <see cref="After"/>) is by id instead.
/// </summary>
public sealed record RecordQuery(string Kind, string? Scope)
{
    public string? SortKeyPrefix { get; init; }
    public string? After { get; init; }
    public bool Descending { get; init; }
    public int? Limit { get; init; }

    /// <summary>
    /// Only records whose <see cref="PutRecord.IndexKey"/> starts with this (literally, as <see cref="SortKeyPrefix"/>),
    /// read through an index of its own: a second way into a kind's records of one scope, still in sort-key order.
    /// </summary>
    public string? IndexKeyPrefix { get; init; }
}

/// <summary>A change to one record, guarded by the version the caller last read (0: the record must not exist).</summary>
public abstract record RecordWrite(string Kind, string Id, long ExpectedVersion);

/// <summary>Writes a record whose body is <see cref="Body"/>.</summary>
/// <remarks>
/// The body is JSON as UTF-8 bytes, the form it is serialized to, stored in and parsed from, so nothing transcodes it
/// on the way (a string was transcoded to UTF-16 after serializing, back to UTF-8 when bound, and again after every read).
/// An array rather than <see cref="ReadOnlyMemory{T}"/> because both drivers bind and read a <c>byte[]</c> as it is; it
/// is never changed once made (the store's memory of committed records and every reader share it), so whoever builds
/// one hands it over and keeps no reference to write through.
/// </remarks>
public sealed record PutRecord(string Kind, string Id, string Scope, string SortKey, byte[] Body, long ExpectedVersion)
    : RecordWrite(Kind, Id, ExpectedVersion)
{
    /// <summary>
    /// A second key within the scope, for the one query a kind needs beside its sort-key order (tasks: by desired status
    /// and group), so that query reads only the records it returns; null for kinds that need none.
    /// </summary>
    public string? IndexKey { get; init; }
}

public sealed record DeleteRecord(string Kind, string Id, long ExpectedVersion) : RecordWrite(Kind, Id, ExpectedVersion);

/// <summary>
/// Changes nothing: asserts that the record is at <see cref="RecordWrite.ExpectedVersion"/> (0: that it does not exist)
/// when the commit applies, or fails the whole commit as any stale write does. This is how a commit is fenced: it
/// carries the version of a record that someone else moves when they take over (the controller lease's fence).
/// </summary>
public sealed record RequireVersion(string Kind, string Id, long ExpectedVersion) : RecordWrite(Kind, Id, ExpectedVersion);

/// <summary>Someone else changed a record between our read and our write: re-read and re-plan, never overwrite.</summary>
public sealed class ConcurrencyConflictException(string kind, string id)
    : Exception($"{kind} '{id}' was changed by someone else.")
{
    public string Kind { get; } = kind;
    public string Id { get; } = id;
}
