using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Controllers;

/// <summary>
/// A background controller that makes one pass at start and then one every <c>interval</c>. Passes are level-triggered
/// (each reads the state it acts on afresh), so a pass that fails is logged and the next one simply does its work:
/// one failure never stops the controller.
/// </summary>
internal abstract partial class PeriodicController(TimeSpan interval, TimeProvider time, ILogger logger) : BackgroundService
{
    protected TimeProvider Time { get; } = time;

    /// <summary>One pass; what it finds to do it does now, what it misses the next pass finds again.</summary>
    protected abstract Task RunPassAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, Time);
        do
        {
            try
            {
                await RunPassAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                LogPassFailed(logger, e, GetType().Name);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "{Controller} failed; its next pass carries on")]
    private static partial void LogPassFailed(ILogger logger, Exception exception, string controller);
}
