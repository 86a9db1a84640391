using System.Collections.Concurrent;

namespace Berth.Store.Sqlite;

/// <summary>
/// A few long-lived reader sessions (<see cref="SqliteSession"/>) kept with their prepared statements, lent to one
/// read at a time; a read that finds all of them busy waits for one. In WAL mode readers never wait for the writer,
/// and an idle session holds no read snapshot (its statements are reset once their reader is disposed), so keeping
/// them open costs nothing but their memory.
/// </summary>
/// <remarks>
/// A session whose work threw is closed rather than put back: after a storage fault (I/O error, read-only or vanished
/// file) its connection may be unusable, and after a bug or a cancellation its state is unknown. Opening a new one is
/// cheap next to serving a failed read from it again.
/// </remarks>
internal sealed class SqliteSessionPool(Func<CancellationToken, Task<SqliteSession>> open, int size) : IDisposable
{
    // Not disposed: a read still running when the pool is disposed releases its slot afterwards, and SemaphoreSlim
    // holds nothing to free unless its wait handle was asked for.
    private readonly SemaphoreSlim _free = new(size, size);
    private readonly ConcurrentStack<SqliteSession> _idle = new();
    private volatile bool _disposed;

    /// <summary>Runs a read on a session of the pool; the session is the work's alone until the work completes.</summary>
    public async Task<T> UseAsync<T>(Func<SqliteSession, Task<T>> work, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _free.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var session = _idle.TryPop(out var idle) ? idle : await open(cancellationToken).ConfigureAwait(false);
            T result;
            try
            {
                result = await work(session).ConfigureAwait(false);
            }
            catch
            {
                session.Dispose();
                throw;
            }
            Return(session);
            return result;
        }
        finally
        {
            _free.Release();
        }
    }

    /// <summary>Closes every idle session now, and every busy one as its read completes.</summary>
    public void Dispose()
    {
        _disposed = true;
        CloseIdle();
    }

    private void Return(SqliteSession session)
    {
        _idle.Push(session);
        if (_disposed)
        {
            // Disposed while this read ran: whichever of Dispose and this pops the session closes it, once.
            CloseIdle();
        }
    }

    private void CloseIdle()
    {
        while (_idle.TryPop(out var session))
        {
            session.Dispose();
        }
    }
}
