using Berth.Store;
using Microsoft.Extensions.Logging;

namespace Berth.Control.Observability;

/// <summary>
/// What a server's background loop (its controllers, the lease, the load balancer's reloads, the heartbeat writer) logs
/// of an unavailable store (<see cref="StoreUnavailableException"/>: the database down or restarting, a full or read-only
/// disk): one warning with the reason when its rounds start failing for it, and one line when a round succeeds again.
/// Such an outage lasts as long as the storage is away, and its message already says what is wrong; logged as any other
/// failure, it was an error with a 40-line stack trace from each loop every second (a dozen loops on each server). Any other failure is the loop's to log, every time. One per loop, whose
/// rounds run one at a time.
/// </summary>
public sealed partial class StoreOutageLog(ILogger logger, string loop)
{
    private bool _down;

    /// <summary>
    /// True when <paramref name="failure"/> is the store being unavailable, logged when it is the first of an outage;
    /// false for any other failure, which the caller logs.
    /// </summary>
    public bool Absorbs(Exception failure)
    {
        if (failure is not StoreUnavailableException)
        {
            return false;
        }
        if (!_down)
        {
            _down = true;
            LogOutageBegan(logger, loop, failure.Message);
        }
        return true;
    }

    /// <summary>A round succeeded: ends an outage, if one was logged.</summary>
    public void Succeeded()
    {
        if (_down)
        {
            _down = false;
            LogOutageEnded(logger, loop);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Loop} cannot use the store; it retries every round and says when the store answers again: {Reason}")]
    private static partial void LogOutageBegan(ILogger logger, string loop, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Loop} uses the store again")]
    private static partial void LogOutageEnded(ILogger logger, string loop);
}
