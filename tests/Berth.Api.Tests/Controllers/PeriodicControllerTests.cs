using Berth.Server.Controllers;
using Berth.Store;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Berth.Api.Tests.Controllers;

public class PeriodicControllerTests
{
    /// <summary>Fails its first two passes, then counts the ones that work.</summary>
    private sealed class Flaky() : PeriodicController(TimeSpan.FromMilliseconds(20), TimeProvider.System, NullLogger.Instance)
    {
        private int _passes;

        public int Passes => Volatile.Read(ref _passes);

        protected override Task RunPassAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _passes) <= 2 ? throw new InvalidOperationException("store unavailable") : Task.CompletedTask;
    }

    /// <summary>
    /// Passes 1–3 find the store unavailable, 4 works, 5 finds it unavailable again, 6 fails otherwise, the rest work.
    /// </summary>
    private sealed class Outages(ILogger logger) : PeriodicController(TimeSpan.FromMilliseconds(20), TimeProvider.System, logger)
    {
        public const string Reason = "Berth's data store cannot be used: the disk is full.";

        private int _passes;

        public int Passes => Volatile.Read(ref _passes);

        protected override Task RunPassAsync(CancellationToken cancellationToken) => Interlocked.Increment(ref _passes) switch
        {
            <= 3 or 5 => throw new StoreUnavailableException(Reason, new IOException("No space left on device")),
            6 => throw new InvalidOperationException("a broken record"),
            _ => Task.CompletedTask,
        };
    }

    [Fact]
    public async Task An_unavailable_store_is_logged_once_when_passes_start_failing_for_it_and_once_when_one_works_again()
    {
        using var logs = new CapturedLogs();
        using var controller = new Outages(logs.CreateLogger("controller"));
        await controller.StartAsync(CancellationToken.None);

        await Eventually.ReadAsync(() => Task.FromResult(controller.Passes), n => n >= 9);
        await controller.StopAsync(CancellationToken.None);

        var entries = logs.Since(0);
        Assert.Equal([LogLevel.Warning, LogLevel.Information, LogLevel.Warning, LogLevel.Error, LogLevel.Information], entries.Select(e => e.Level));
        Assert.All([entries[0], entries[2]], e => Assert.Contains($"Outages cannot use the store; it retries every round and says when the store answers again: {Outages.Reason}", e.Message));
        Assert.All([entries[1], entries[4]], e => Assert.Equal("Outages uses the store again", e.Message));
        Assert.Equal("Outages failed; its next pass carries on", entries[3].Message);
    }

    [Fact]
    public async Task A_failing_pass_is_followed_by_the_next_one()
    {
        using var controller = new Flaky();
        await controller.StartAsync(CancellationToken.None);

        var passes = await Eventually.ReadAsync(() => Task.FromResult(controller.Passes), n => n >= 4);
        var stillRunning = !controller.ExecuteTask!.IsCompleted;
        await controller.StopAsync(CancellationToken.None);

        Assert.True(passes >= 4, $"{passes} passes");
        Assert.True(stillRunning);
        Assert.False(controller.ExecuteTask.IsFaulted);
    }
}
