using Berth.Control.Observability;
using Berth.Core.Leadership;
using Berth.Store;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Leadership;

/// <summary>
/// Takes, renews and releases the controller lease in the state store for this server, every
/// <see cref="LeaseRules.RenewInterval"/>, and tells <see cref="Leadership"/> when a term begins or ends. A lone server
/// takes the lease at its first look and keeps it, so it runs its controllers as it always did; a server that stops
/// releases it, so its successor (or its own restart) takes over at once rather than after the lease expires.
/// </summary>
internal sealed partial class LeaseKeeper(IStateStore store, Leadership leadership, TimeProvider time, ILogger<LeaseKeeper> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(LeaseRules.RenewInterval, time);
        var outage = new StoreOutageLog(logger, nameof(LeaseKeeper));
        do
        {
            try
            {
                await LookAsync(stoppingToken).ConfigureAwait(false);
                outage.Succeeded();
            }
            catch (ConcurrencyConflictException)
            {
                // Another server renewed or took the lease between our read and our write: it holds it now.
                outage.Succeeded();
                EndTerm();
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The store did not answer: a term in force still ends at its expiry, so nothing runs unleased.
                if (!outage.Absorbs(e))
                {
                    LogLookFailed(logger, e);
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    /// <summary>One look at the lease: renew it, take it over, or leave it to its holder.</summary>
    internal async Task LookAsync(CancellationToken cancellationToken)
    {
        // Read before the lease: the term must end no later than the expiry the other servers will see.
        var now = time.GetUtcNow();
        var lease = await store.GetAsync(LeaseRecords.Leases, LeaseRecords.Id, cancellationToken).ConfigureAwait(false);
        var action = LeaseRules.Decide(lease?.Value, leadership.ServerId, now);
        var held = LeaseRules.Held(leadership.ServerId, now);
        if (action == LeaseAction.Renew && leadership.Current is { } term)
        {
            await store.CommitAsync([LeaseRecords.PutLease(held, lease!.Version)], cancellationToken).ConfigureAwait(false);
            term.Extend(held.ExpiresAt);
        }
        else if (action == LeaseAction.Wait)
        {
            EndTerm();
        }
        else
        {
            // A lease recorded as ours with no term in force here (it ended on the clock a moment early) is taken over
            // afresh too: a new token, so nothing the ended term still had in flight can commit.
            EndTerm();
            var fence = await store.GetAsync(LeaseRecords.FenceKind, LeaseRecords.Id, cancellationToken).ConfigureAwait(false);
            var token = fence?.Version ?? 0;
            await store.CommitAsync([LeaseRecords.PutLease(held, lease?.Version ?? 0), LeaseRecords.MoveFence(token)], cancellationToken).ConfigureAwait(false);
            leadership.Begin(new LeaderTerm(token + 1, held.ExpiresAt, time));
            LogTookOver(logger, leadership.ServerId, token + 1, lease?.Value.Holder);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (leadership.Current is null)
        {
            return;
        }
        EndTerm();
        try
        {
            var lease = await store.GetAsync(LeaseRecords.Leases, LeaseRecords.Id, cancellationToken).ConfigureAwait(false);
            if (lease is not null && lease.Value.Holder == leadership.ServerId)
            {
                await store.CommitAsync([LeaseRecords.PutLease(LeaseRules.Released(lease.Value, time.GetUtcNow()), lease.Version)], cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Not released: the others wait for it to expire instead.
            LogReleaseFailed(logger, e);
        }
    }

    private void EndTerm()
    {
        if (leadership.Current is not null)
        {
            leadership.End();
            LogLost(logger, leadership.ServerId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Server {ServerId} holds the controller lease (fencing token {Token}; previous holder {Previous})")]
    private static partial void LogTookOver(ILogger logger, string serverId, long token, string? previous);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Server {ServerId} no longer holds the controller lease; its controllers stop")]
    private static partial void LogLost(ILogger logger, string serverId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading or writing the controller lease failed; retrying")]
    private static partial void LogLookFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Releasing the controller lease failed; the other servers take over when it expires")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
