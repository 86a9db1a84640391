using System.Diagnostics.CodeAnalysis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Berth.Server.Leadership;

/// <summary>
/// A background loop that must run on one server at a time: registered with <see cref="LeadershipRegistration.AddLeaderOnly{T}"/>.
/// Its constructors are kept for the trimmer (Native AOT), since each term builds a fresh instance from the type.
/// </summary>
internal sealed record LeaderOnlyController(
    [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
    [property: DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)]
    Type Type);

/// <summary>
/// Runs the controllers that must run once (the scheduler, the sweepers, the publishers that read the shared state) for
/// as long as this server holds the controller lease: for each term, fresh instances started inside the term's
/// <see cref="Fencing"/> scope, stopped the moment the term ends. Fresh per term so no controller carries what it
/// remembered (a last sweep time, a minute already published) from a term that another server's term interrupted.
/// </summary>
internal sealed partial class LeaderControllers(
    IEnumerable<LeaderOnlyController> controllers, IServiceProvider services, Leadership leadership, ILogger<LeaderControllers> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            var term = await leadership.NextTermAsync(stoppingToken).ConfigureAwait(false);
            await RunTermAsync(term, stoppingToken).ConfigureAwait(false);
            LogTermEnded(logger, term.Token);
        }
    }

    private async Task RunTermAsync(LeaderTerm term, CancellationToken stoppingToken)
    {
        using var running = CancellationTokenSource.CreateLinkedTokenSource(term.Ended, stoppingToken);
        var started = new List<BackgroundService>();
        using (Fencing.Enter(term.Token))
        {
            foreach (var controller in controllers)
            {
                var instance = (BackgroundService)ActivatorUtilities.CreateInstance(services, controller.Type);
                started.Add(instance);
                await instance.StartAsync(running.Token).ConfigureAwait(false);
            }
        }
        try
        {
            await Task.Delay(Timeout.Infinite, running.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The term ended or the server stops: the controllers stop now.
        }
        finally
        {
            await Task.WhenAll(started.Select(c => c.StopAsync(CancellationToken.None))).ConfigureAwait(false);
            foreach (var controller in started)
            {
                controller.Dispose();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Controller lease term {Token} ended; singleton controllers stopped")]
    private static partial void LogTermEnded(ILogger logger, long token);
}
