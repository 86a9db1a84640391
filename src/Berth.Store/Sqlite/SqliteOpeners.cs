using System.IO.MemoryMappedFiles;

namespace Berth.Store.Sqlite;

/// <summary>
/// Tells a <see cref="SqliteStateStore"/> whether it is still the only store that may have written its database since
/// it opened it, which is what lets <see cref="CommittedRecords"/> answer reads from memory. A small companion file
/// (<c>berth.db-openers</c>) holds one counter, memory-mapped by every store that opens the database: opening increments
/// it and remembers the value (<see cref="IsAlone"/> holds while the counter still shows it), and a store that is not
/// alone increments it again before it writes (<see cref="BeforeWrites"/>), so that every other store learns it. Checking
/// costs a memory read and no system call: the mapped page is the same physical page in every process.
/// </summary>
/// <remarks>
/// <para>Why this is enough (store S alone since it opened at counter value g; F any other store, in any process):</para>
/// <list type="bullet">
/// <item>F opened after S: its open moved the counter past g, so S no longer answers from memory, before F's first read
/// or write.</item>
/// <item>F opened before S (servers started one after another on one data directory): F calls <see cref="BeforeWrites"/>
/// inside each write transaction, holding SQLite's write lock. If that was after S's open, F sees the counter moved past
/// the value it last saw and increments it before its writes, so they are committed only after S stopped answering.
/// If it was before S's open, F held the write lock when S opened, so S's own commits, the only thing that fills S's
/// memory, all come after F's transaction and already see what it wrote.</item>
/// <item>A read of S that checked the counter just before F's increment and answers while F commits is concurrent with
/// that commit: it answers the state before it, as a read of the file just before the commit would.</item>
/// </list>
/// <para>Increments are atomic on the shared memory (<see cref="Interlocked"/>), so concurrent opens need no file lock;
/// two stores of one process (tests) map the file twice and see each other the same way. A stale counter only ever
/// costs speed: a store that is not alone reads the file as before. What this cannot see is the same as what SQLite's
/// WAL cannot: processes on other machines (SQLite's WAL needs one host already) and a companion file deleted while
/// stores hold it open.</para>
/// </remarks>
internal sealed unsafe class SqliteOpeners : IDisposable
{
    /// <summary>What the counter reads as once this store is disposed: never a value an open left.</summary>
    private const long Closed = -1;

    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;

    /// <summary>The counter's value this store's open left: while it still shows it, nobody else opened the database.</summary>
    private readonly long _openedAt;

    /// <summary>The counter as this store's writer last saw or left it (only the writer, holding the write lock, uses it).</summary>
    private long _lastSeen;

    private volatile bool _disposed;

    private SqliteOpeners(MemoryMappedFile file, MemoryMappedViewAccessor view)
    {
        _file = file;
        _view = view;
        _openedAt = _lastSeen = Increment();
    }

    /// <summary>Whether no other store has opened the database since this one did, nor written it since.</summary>
    public bool IsAlone => Read() == _openedAt;

    /// <summary>The companion file's path for a database.</summary>
    public static string PathOf(string databasePath) => databasePath + "-openers";

    /// <summary>Maps the companion file (created when missing) and counts this store's open in it.</summary>
    public static SqliteOpeners Open(string databasePath)
    {
        var path = PathOf(databasePath);
        CreateIfMissing(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        var file = MemoryMappedFile.CreateFromFile(stream, null, sizeof(long), MemoryMappedFileAccess.ReadWrite, HandleInheritability.None, leaveOpen: false);
        try
        {
            return new SqliteOpeners(file, file.CreateViewAccessor(0, sizeof(long), MemoryMappedFileAccess.ReadWrite));
        }
        catch
        {
            file.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Creates the file with its counter at zero, whole or not at all: written beside it and moved into place without
    /// overwriting, so a store creating it at the same moment never zeroes a counter another already moved. Written
    /// rather than extended, so its block is allocated now: a store on a full disk still writes its counter, where
    /// writing into a sparse page of a mapping would kill the process.
    /// </summary>
    private static void CreateIfMissing(string path)
    {
        if (File.Exists(path))
        {
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var written = $"{path}.{Guid.NewGuid():N}";
        try
        {
            File.WriteAllBytes(written, new byte[sizeof(long)]);
            File.Move(written, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another store created it first.
        }
        finally
        {
            File.Delete(written);
        }
    }

    /// <summary>
    /// Called by the writer inside its transaction, after it took SQLite's write lock and before it writes: when another
    /// store opened or wrote the database since this one last looked, moves the counter on, so every store that still
    /// believes itself alone stops answering from memory before these writes commit.
    /// </summary>
    public void BeforeWrites()
    {
        if (Read() != _lastSeen)
        {
            _lastSeen = Increment();
        }
    }

    public void Dispose()
    {
        _disposed = true;
        _view.Dispose();
        _file.Dispose();
    }

    private long Read() => Counter(increment: false);

    private long Increment() => Counter(increment: true);

    /// <summary>
    /// Reads or increments the counter with the mapping held for the moment (a reference on its handle, as the accessor's
    /// own reads take), so a read still running when the store is disposed never touches unmapped memory.
    /// </summary>
    private long Counter(bool increment)
    {
        if (_disposed)
        {
            return Closed;
        }
        var handle = _view.SafeMemoryMappedViewHandle;
        byte* start = null;
        try
        {
            handle.AcquirePointer(ref start);
            ref var counter = ref *(long*)(start + _view.PointerOffset);
            return increment ? Interlocked.Increment(ref counter) : Volatile.Read(ref counter);
        }
        catch (ObjectDisposedException)
        {
            return Closed;
        }
        finally
        {
            if (start != null)
            {
                handle.ReleasePointer();
            }
        }
    }
}
