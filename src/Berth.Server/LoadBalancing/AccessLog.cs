using System.Threading.Channels;

namespace Berth.Server.LoadBalancing;

/// <summary>
/// Where listeners hand their access log entries: a bounded queue that <see cref="AccessLogWriter"/> drains, so a slow
/// disk never holds a request up. ALB logs requests "on a best-effort basis"; here a full queue drops the entry and
/// counts it, and the writer reports the count.
/// </summary>
internal sealed class AccessLog(AccessLogDestination? destination)
{
    private const int Capacity = 20_000;

    private readonly Channel<AccessLogEntry> _queue = Channel.CreateBounded<AccessLogEntry>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    private long _dropped;

    public AccessLogDestination? Destination => destination;

    /// <summary>Off unless a destination was given: then listeners measure and record nothing.</summary>
    public bool Enabled => destination is not null;

    public ChannelReader<AccessLogEntry> Entries => _queue.Reader;

    public void Add(AccessLogEntry entry)
    {
        if (!_queue.Writer.TryWrite(entry))
        {
            Interlocked.Increment(ref _dropped);
        }
    }

    /// <summary>Entries dropped since the last call.</summary>
    public long TakeDropped() => Interlocked.Exchange(ref _dropped, 0);
}
